"""Bulk inserts for the demo history: each batch is one transaction of multi-row INSERTs.

MariaDB gets one ``INSERT … VALUES (…),(…),…`` per table and batch (a round trip per table rather
than per row); SQLite gets ``executemany`` of a prepared single-row INSERT, which is as fast there
and avoids its limit on bound parameters. The DB-API cursor is used directly so that a debug
session does not keep megabytes of SQL in ``connection.queries``.

``accountlines`` ids are allocated here, from MAX(id) + 1, so offsets can name their lines without
reading anything back — which assumes nothing else writes account lines while the demo is seeded.
"""
from __future__ import annotations

from django.db import connection, transaction

from demo import ledger

TABLES = [  # in foreign-key order
    ("accountlines", ledger.LINE_COLUMNS, "lines"),
    ("account_offsets", ledger.OFFSET_COLUMNS, "offsets"),
    ("statistics", ledger.STATISTIC_COLUMNS, "statistics"),
    ("action_logs", ledger.LOG_COLUMNS, "logs"),
    ("cash_register_actions", ledger.CASHUP_COLUMNS, "cashups"),
]


class LineIds:
    """Hands out ``accountlines_id`` values after the largest one in the database."""

    def __init__(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT MAX(accountlines_id) FROM accountlines")
            self._next = (cursor.fetchone()[0] or 0) + 1

    def take(self, count: int = 2) -> list[int]:
        ids = list(range(self._next, self._next + count))
        self._next += count
        return ids


def write(rows: ledger.Rows) -> int:
    """Insert every row of ``rows`` in one transaction; return the number of account lines."""
    connection.ensure_connection()
    with transaction.atomic():
        cursor = connection.connection.cursor()
        try:
            for table, columns, attribute in TABLES:
                values = getattr(rows, attribute)
                if values:
                    _insert(cursor, table, columns, values)
        finally:
            cursor.close()
    return len(rows.lines)


def _insert(cursor, table: str, columns: tuple[str, ...], values: list[tuple]) -> None:
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) VALUES "
    if connection.vendor == "mysql":
        row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        cursor.execute(head + ", ".join([row] * len(values)), [v for r in values for v in r])
    else:
        cursor.executemany(head + "(" + ", ".join(["?"] * len(columns)) + ")", values)
