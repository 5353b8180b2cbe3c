"""Bulk inserts for the demo history: each batch is one transaction of multi-row INSERTs, one
``bulk_create`` per table in foreign-key order.

``accountlines`` ids are allocated here, from the largest one + 1, so offsets can name their lines
before anything is written — which assumes nothing else writes account lines while the demo is
seeded.
"""
from __future__ import annotations

from django.db import reset_queries, transaction
from django.db.models import Max

from demo import ledger
from koha.models import AccountLine, AccountOffset, ActionLog, CashRegisterAction, Statistic

TABLES = [  # in foreign-key order
    (AccountLine, "lines"),
    (AccountOffset, "offsets"),
    (Statistic, "statistics"),
    (ActionLog, "logs"),
    (CashRegisterAction, "cashups"),
]


class LineIds:
    """Hands out ``accountlines_id`` values after the largest one in the database."""

    def __init__(self):
        self._next = (AccountLine.objects.aggregate(last=Max("pk"))["last"] or 0) + 1

    def take(self, count: int = 2) -> list[int]:
        ids = list(range(self._next, self._next + count))
        self._next += count
        return ids


def write(rows: ledger.Rows) -> int:
    """Insert every row of ``rows`` in one transaction; return the number of account lines."""
    with transaction.atomic():
        for model, attribute in TABLES:
            instances = getattr(rows, attribute)
            if instances:
                model.objects.bulk_create(instances)
    # With DEBUG on, Django keeps every statement's SQL: a batch's are megabytes.
    reset_queries()
    return len(rows.lines)
