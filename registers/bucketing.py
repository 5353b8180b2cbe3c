"""Grouping rows by intervals of time in SQL, without the database knowing any time zone.

MariaDB has no named time zones loaded and kohapay's session is UTC, so "which local day (or which
cashup window) does this line belong to" cannot be asked of ``DATE(CONVERT_TZ(...))``. Instead the
interval boundaries are computed in Python and the database compares the column with them.
"""
from collections.abc import Sequence

from django.db.models import Case, IntegerField, Q, Value, When


def first_true(conditions: Sequence[Q]) -> Case | Value:
    """SQL expression: the index of the first true condition, or ``len(conditions)`` if none is.

    The conditions must be monotone — once one holds, every later one holds too — such as
    ``date < b[i]`` for ascending ``b[i]``. That lets the CASE be a balanced binary tree: each row
    costs log2(n) comparisons instead of n, so a year of days stays cheap on millions of lines.
    A NULL column makes every condition unknown, hence the "none" index.
    """

    def node(lo: int, hi: int) -> Case | Value:  # the answer lies in [lo, hi]
        if lo == hi:
            return Value(lo, output_field=IntegerField())
        mid = (lo + hi) // 2
        return Case(
            When(conditions[mid], then=node(lo, mid)),
            default=node(mid + 1, hi),
            output_field=IntegerField(),
        )

    return node(0, len(conditions))
