"""The overview's one pass over the register lines, written as SQL.

``selectors.overview`` says what it computes. The ORM built this statement from some forty ``Q``
objects on every page view (each cashed-up register adds a branch, used twice: to select and to
sum): ~10 ms of Python for a statement MariaDB runs in ~15 ms at 100 k lines
(docs/performance.md). Its shape depends only on the numbers of registers, of cashed-up ones and
of lines dated ahead, so it is written here directly. Values go through the model fields' own
conversions both ways (parameters as the ORM prepares them, sums as the ORM reads them: exact
Decimals on MariaDB and on the SQLite demo), and ``tests/registers/test_overview_sql.py`` holds
the figures to the ORM's query over the same conditions.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection

from koha.models import AccountLine
from registers.recency import Recency
from registers.sql import column_reader, instant, marks

_TABLE = AccountLine._meta.db_table


def period_and_till_rows(register_ids: Sequence[int], days, last_cashups: dict[int, datetime],
                         payment_type: str | None, recency: Recency) -> list[dict]:
    """Rows grouped by (register_id, is_credit, payment_type), each with the sum and count of
    its lines dated within ``days`` (``total``, ``n``) and of those since the register's last
    cashup (``since_total``, ``since_n``) — the rows ``selectors.fold_rows`` folds."""
    q = connection.ops.quote_name
    in_days, in_days_params = _and(
        (f"{q('date')} >= %s AND {q('date')} < %s", [instant(days.start), instant(days.end)]),
        recency.since_sql(days.start),
    )
    since, since_params = _since_cashup(register_ids, last_cashups, recency)
    where, where_params = _and(
        (f"{q('register_id')} IN ({marks(register_ids)})", list(register_ids)),
        (f"{q('payment_type')} = %s", [payment_type]) if payment_type else None,
        (f"(({in_days}) OR ({since}))", in_days_params + since_params),
        # every branch has a lower bound: say so once, for the optimizer
        recency.since_sql(min([days.start, *last_cashups.values()]))
        if len(last_cashups) == len(register_ids) else None,
    )
    sql = (
        f"SELECT {q('register_id')},"
        f" CASE WHEN {q('credit_type_code')} IS NOT NULL THEN 1 ELSE 0 END,"
        f" {q('payment_type')},"
        f" SUM(CASE WHEN {in_days} THEN {q('amount')} END),"
        f" COUNT(CASE WHEN {in_days} THEN 1 END),"
        f" SUM(CASE WHEN {since} THEN {q('amount')} END),"
        f" COUNT(CASE WHEN {since} THEN 1 END)"
        f" FROM {q(_TABLE)} WHERE {where} GROUP BY 1, 2, 3"
    )
    params = in_days_params * 2 + since_params * 2 + where_params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    money = column_reader(AccountLine, "amount")
    return [
        {"register_id": register_id, "is_credit": is_credit, "payment_type": payment_type,
         "total": money(total), "n": n, "since_total": money(since_total), "since_n": since_n}
        for register_id, is_credit, payment_type, total, n, since_total, since_n in fetched
    ]


def _since_cashup(register_ids, last: dict[int, datetime], recency: Recency) -> tuple[str, list]:
    """The till (Koha's ``outstanding_accountlines``): dated strictly after the register's last
    CASHUP, or any line of a register never cashed up."""
    q = connection.ops.quote_name
    parts, params = [], []
    for register_id in register_ids:
        if register_id in last:
            lower, lower_params = recency.since_sql(last[register_id])
            parts.append(f"({q('register_id')} = %s AND {q('date')} > %s AND {lower})")
            params += [register_id, instant(last[register_id]), *lower_params]
    never = [rid for rid in register_ids if rid not in last]
    if never:
        parts.append(f"{q('register_id')} IN ({marks(never)})")
        params += never
    return " OR ".join(parts), params


def _and(*conditions) -> tuple[str, list]:
    """(sql, params) pairs joined by AND; None entries left out."""
    present = [c for c in conditions if c is not None]
    return (" AND ".join(sql for sql, _ in present),
            [param for _, params in present for param in params])
