"""The dashboard's statements written as SQL — only where the ORM's version measured more than
20 % slower on a page ``make bench`` times (docs/performance.md, "Issue 13"); everything else in
``registers`` reads through the ORM. Values cross in both directions through the model fields'
own conversions, as the ORM's do, so a figure read here is the ORM's to the last digit (exact
Decimals and aware datetimes on MariaDB and on the SQLite demo), and
``tests/registers/test_overview_sql.py`` holds each statement's rows to the ORM query it replaces.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from django.db import connection

from koha.models import AccountLine
from registers.recency import SLACK, Recency

_TABLE = AccountLine._meta.db_table
_DATE = AccountLine._meta.get_field("date")


def period_and_till_rows(register_ids: Sequence[int], days, last_cashups: dict[int, datetime],
                         payment_type: str | None, recency: Recency) -> list[dict]:
    """The overview's one pass over the register lines: rows grouped by (register_id,
    is_credit, payment_type), each with the sum and count of its lines dated within ``days``
    (``total``, ``n``) and of those since the register's last cashup (``since_total``,
    ``since_n``) — the rows ``selectors.fold_rows`` folds (``selectors.overview`` says what
    they mean).

    Why SQL: the ORM builds this statement from some forty ``Q`` objects on every view (each
    cashed-up register adds a branch, used twice: to select and to sum). Measured in issue 13
    (docs/performance.md, "Issue 13: dashboard rows from templates"): the overview of a day,
    the same code with the ORM's statement against this one, alternating, medians of five
    turns: 15.2 against 11.8 ms at 100 k lines (ORM +29 %), 17.5 against 14.8 ms at 1 M
    (+18 %). Its shape depends only on the numbers of registers, of cashed-up ones and of
    lines dated ahead."""
    q = connection.ops.quote_name
    in_days, in_days_params = _and(
        (f"{q('date')} >= %s AND {q('date')} < %s", [_instant(days.start), _instant(days.end)]),
        _recent(recency, days.start),
    )
    since, since_params = _since_cashup(register_ids, last_cashups, recency)
    where, where_params = _and(
        (f"{q('register_id')} IN ({_marks(register_ids)})", list(register_ids)),
        (f"{q('payment_type')} = %s", [payment_type]) if payment_type else None,
        (f"(({in_days}) OR ({since}))", in_days_params + since_params),
        # every branch has a lower bound: say so once, for the optimizer
        _recent(recency, min([days.start, *last_cashups.values()]))
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
    money = _column_reader(AccountLine, "amount")
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
            lower, lower_params = _recent(recency, last[register_id])
            parts.append(f"({q('register_id')} = %s AND {q('date')} > %s AND {lower})")
            params += [register_id, _instant(last[register_id]), *lower_params]
    never = [rid for rid in register_ids if rid not in last]
    if never:
        parts.append(f"{q('register_id')} IN ({_marks(never)})")
        params += never
    return " OR ".join(parts), params


def _recent(recency: Recency, lower: datetime) -> tuple[str, list]:
    """``Recency.since(lower)`` as SQL: written since ``lower`` less the slack, or dated ahead
    (those ids were read by this request, and each goes through ``int``)."""
    q = connection.ops.quote_name
    sql = f"{q('timestamp')} >= %s"
    if recency.ahead:
        ids = ", ".join(str(int(i)) for i in sorted(recency.ahead))
        sql = f"({sql} OR {q('accountlines_id')} IN ({ids}))"
    return sql, [_instant(lower - SLACK)]


def _and(*conditions) -> tuple[str, list]:
    """(sql, params) pairs joined by AND; None entries left out."""
    present = [c for c in conditions if c is not None]
    return (" AND ".join(sql for sql, _ in present),
            [param for _, params in present for param in params])


def _instant(value: datetime):
    """An aware datetime as a parameter compared with a ``DateTimeField`` column."""
    return _DATE.get_db_prep_value(value, connection)


def _column_reader(model, field_name: str) -> Callable:
    """A value of ``model.field_name`` (or an aggregate of it) as the ORM reads it."""
    field = model._meta.get_field(field_name)
    column = field.get_col(model._meta.db_table)
    converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)

    def read(value):
        for converter in converters:
            value = converter(value, column, connection)
        return value

    return read


def _marks(values) -> str:
    """``%s, %s, …``: one placeholder per value."""
    return ", ".join(["%s"] * len(values))
