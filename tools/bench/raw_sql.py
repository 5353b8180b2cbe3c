"""Building blocks of the hand-written SQL (``tools.bench.dashboard_sql``): a cursor that remembers
what it ran, local midnights as UTC instants, and a CASE that sorts a column into intervals."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SLACK = timedelta(days=1)  # registers.recency.SLACK: how far Koha's date may run ahead


class Runner:
    """A cursor that fetches every row (the page pays for the transfer too) and remembers each
    statement it ran, so the harness can EXPLAIN them afterwards."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.executed: list[tuple[str, list]] = []

    def rows(self, sql: str, params=()) -> list[tuple]:
        self.cursor.execute(sql, list(params))
        self.executed.append((sql, list(params)))
        return list(self.cursor.fetchall())


# --- days ------------------------------------------------------------------------------------


def midnight(day: date) -> datetime:
    """The UTC instant (naive, as the UTC session compares it) at which the local day begins."""
    from django.conf import settings

    local = datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.KOHA_TIME_ZONE))
    return local.astimezone(UTC).replace(tzinfo=None)


def midnights(first: date, last: date) -> list[datetime]:
    """Every local midnight from ``first`` to the day after ``last``."""
    return [midnight(first + timedelta(days=n)) for n in range((last - first).days + 2)]


def first_true(column: str, tests: list[tuple[str, datetime]]) -> tuple[str, list]:
    """SQL: the index of the first of the monotone tests ``column <op> value`` that holds (or
    ``len(tests)``), as a balanced tree of CASEs; returns (sql, params)."""
    def node(lo: int, hi: int) -> tuple[str, list]:
        if lo == hi:
            return str(lo), []
        mid = (lo + hi) // 2
        (left, left_params), (right, right_params) = node(lo, mid), node(mid + 1, hi)
        op, value = tests[mid]
        return (f"CASE WHEN {column} {op} %s THEN {left} ELSE {right} END",
                [value, *left_params, *right_params])

    return node(0, len(tests))


def in_list(values) -> str:
    return ", ".join(["%s"] * len(values))
