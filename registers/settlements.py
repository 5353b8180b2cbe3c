"""Devices' own day totals (``payments.models.Settlement``) against the registers' lines, for
the dashboard: the day and register pages, the overview's flag, the variance report and the JSON
``daily_totals``. Only each source's current report counts (a later one replaces it).

Two queries for any number of registers and days: the current reports with their totals and
sources (one query), then the registers' lines of those days grouped by register, day and payment type
(``DayRange``'s local days, as every other figure of the dashboard). A page that has read those
lines' figures already (the overview of a day, a register's days, a day's lines) passes them as
``recorded`` (``recorded_from``), and the second query is not made.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Sum

from koha.models import AccountLine
from payments.models import Settlement
from payments.settlements.selectors import Compared
from registers.recency import Recency
from registers.selectors import DayRange

ZERO = Decimal(0)


@dataclass(frozen=True)
class DeviceDay:
    """One source's current report for one register and day, compared."""

    settlement_id: int
    register_id: int
    day: date
    source: str
    external_id: str | None
    received_at: datetime
    types: tuple[Compared, ...]

    @property
    def matches(self) -> bool:
        return all(t.difference == ZERO for t in self.types)


Recorded = dict[tuple[int, date, str | None], tuple[Decimal, int]]


def device_days(register_ids: Sequence[int], days: DayRange, recency: Recency | None = None,
                *, recorded: Recorded | None = None) -> list[DeviceDay]:
    """Every current report of these registers within ``days``, by day then register.
    ``recorded``: the register lines' (money in, lines) per (register, day, payment type) of
    every register and day asked for, when the page has them (else they are read)."""
    if not register_ids:
        return []
    reports = _current_reports(register_ids, days)
    if not reports:
        return []
    if recorded is None:
        recorded = _recorded({r["register_id"] for r in reports}, DayRange(
            min(r["day"] for r in reports), max(r["day"] for r in reports)),
            recency or Recency.current())
    return [_compared(report, recorded) for report in reports]


def recorded_from(days: Iterable[tuple[int, date, Iterable[tuple]]]) -> Recorded:
    """(register id, day, ``selectors.lines_by_type``) of each register and day → ``recorded``:
    the same mapping ``_recorded`` reads, from figures a page has read anyway."""
    return {(register_id, day, code): (money, count)
            for register_id, day, by_type in days for code, money, count in by_type}


def _recorded(register_ids: set[int], days: DayRange, recency: Recency) -> dict:
    """(register, day, payment type) → (money in, lines). Through ``timeidx`` (``Recency``):
    without it MariaDB read each register's whole history — 1.2 s of a 1.3 s overview at 1 M
    lines (docs/performance.md, "Issue 19")."""
    rows = (AccountLine.objects.filter(register_id__in=sorted(register_ids))
            .filter(days.lines(recency)).order_by()
            .annotate(day=days.day_index())
            .values("register_id", "day", "payment_type")
            .annotate(total=Sum("amount"), n=Count("pk")))
    return {(row["register_id"], days.days[row["day"]], row["payment_type"]):
            (-(row["total"] or ZERO) + ZERO, row["n"]) for row in rows}


def _current_reports(register_ids: Sequence[int], days: DayRange) -> list[dict]:
    """The current reports with their source and totals, in one query (a report's totals joined
    to it: a row per report and payment type, one row with no type for a report without totals),
    by day, register, report and payment type."""
    rows = (Settlement.objects.filter(
        register_id__in=list(register_ids), day__gte=days.first, day__lte=days.last,
        replaced_by__isnull=True).order_by("day", "register_id", "pk", "totals__payment_type")
        .values_list("pk", "register_id", "day", "client__name", "external_id", "received_at",
                     "totals__payment_type", "totals__amount", "totals__count"))
    reports: dict[int, dict] = {}
    for pk, register_id, day, source, external_id, received_at, *total in rows:
        report = reports.setdefault(pk, {
            "pk": pk, "register_id": register_id, "day": day, "source": source,
            "external_id": external_id, "received_at": received_at, "totals": []})
        if total[0] is not None:
            report["totals"].append(total)
    return list(reports.values())


def _compared(report: dict, recorded: dict) -> DeviceDay:
    key = (report["register_id"], report["day"])
    types = tuple(Compared(code, amount, count, *recorded.get((*key, code), (ZERO, 0)))
                  for code, amount, count in report["totals"])
    return DeviceDay(report["pk"], report["register_id"], report["day"], report["source"],
                     report["external_id"], report["received_at"], types)


def by_register_and_day(found: list[DeviceDay]) -> dict[tuple[int, date], list[DeviceDay]]:
    grouped = defaultdict(list)
    for device_day in found:
        grouped[(device_day.register_id, device_day.day)].append(device_day)
    return dict(grouped)


def mismatching_registers(found: list[DeviceDay]) -> dict[int, list[date]]:
    """register id → the days whose device totals differ from the register's."""
    days = defaultdict(list)
    for device_day in found:
        if not device_day.matches and device_day.day not in days[device_day.register_id]:
            days[device_day.register_id].append(device_day.day)
    return dict(days)
