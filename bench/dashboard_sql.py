"""Hand-written SQL computing the figures of each dashboard page (issue 4's definitions), over
the same range, using only Koha's existing indexes. The pages are timed next to these.

Days are UTC days here because the benchmark databases run with ``KOHA_TIME_ZONE=UTC``.
Credits have ``credit_type_code`` set (money in: income = −amount); debits journaled to a
register are payouts (+amount); by debit type follows the APPLY offsets (spec §8.4).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

FIGURES = (
    "SUM(CASE WHEN a.credit_type_code IS NOT NULL THEN -a.amount ELSE 0 END) AS income,"
    " SUM(CASE WHEN a.credit_type_code IS NULL THEN a.amount ELSE 0 END) AS payouts,"
    " -SUM(a.amount) AS net, COUNT(*) AS line_count"
)

REGISTERS = (
    "SELECT r.id, r.name, r.branch, b.branchname, r.archived FROM cash_registers r"
    " JOIN branches b ON b.branchcode = r.branch ORDER BY b.branchname, r.name"
)
DAY_BY_REGISTER_AND_TYPE = (
    f"SELECT a.register_id, a.payment_type, {FIGURES} FROM accountlines a"
    " WHERE a.register_id IS NOT NULL AND a.date >= %s AND a.date < %s"
    " GROUP BY a.register_id, a.payment_type"
)
PAYMENT_TYPE_LABELS = (
    "SELECT authorised_value, lib FROM authorised_values WHERE category = 'PAYMENT_TYPE'"
)
# Koha's "since last cashup" (spec §8.2): lines dated strictly after the register's last CASHUP.
SINCE_LAST_CASHUP = (
    "SELECT r.id, -SUM(a.amount) FROM cash_registers r"
    " LEFT JOIN (SELECT register_id, MAX(timestamp) AS ts FROM cash_register_actions"
    "  WHERE code = 'CASHUP' GROUP BY register_id) c ON c.register_id = r.id"
    " JOIN accountlines a ON a.register_id = r.id AND (c.ts IS NULL OR a.date > c.ts)"
    " GROUP BY r.id"
)
REGISTER_DAYS = (
    f"SELECT DATE(a.date) AS day, a.payment_type, {FIGURES} FROM accountlines a"
    " WHERE a.register_id = %s AND a.date >= %s AND a.date < %s"
    " GROUP BY DATE(a.date), a.payment_type ORDER BY day"
)
REGISTER_BY_DEBIT_TYPE = (
    "SELECT d.debit_type_code, t.description, -SUM(o.amount) FROM accountlines c"
    " JOIN account_offsets o ON o.credit_id = c.accountlines_id AND o.type = 'APPLY'"
    " JOIN accountlines d ON d.accountlines_id = o.debit_id"
    " LEFT JOIN account_debit_types t ON t.code = d.debit_type_code"
    " WHERE c.register_id = %s AND c.credit_type_code IS NOT NULL"
    " AND c.date >= %s AND c.date < %s GROUP BY d.debit_type_code, t.description"
)
# Each cashup in the range with its summary window (previous cashup, this cashup] (spec §8.4).
REGISTER_CASHUPS = (
    "WITH c AS (SELECT id, timestamp AS ts, LAG(timestamp) OVER (ORDER BY timestamp, id) AS prev"
    "  FROM cash_register_actions WHERE register_id = %s AND code = 'CASHUP')"
    " SELECT c.id, c.ts, a.payment_type, -SUM(a.amount), COUNT(a.accountlines_id) FROM c"
    " LEFT JOIN accountlines a ON a.register_id = %s AND a.date <= c.ts"
    "  AND (c.prev IS NULL OR a.date >= c.prev)"
    " WHERE c.ts >= %s AND c.ts < %s GROUP BY c.id, c.ts, a.payment_type ORDER BY c.ts"
)
DAY_LINES = (
    "SELECT a.accountlines_id, a.date, a.amount, a.payment_type, a.credit_type_code,"
    " a.debit_type_code, a.description, a.manager_id, p.cardnumber, p.firstname, p.surname,"
    " d.accountlines_id, d.debit_type_code, d.description, s.cardnumber, s.surname,"
    " i.external_id, k.name"
    " FROM accountlines a"
    " LEFT JOIN borrowers p ON p.borrowernumber = a.borrowernumber"
    " LEFT JOIN account_offsets o ON o.credit_id = a.accountlines_id AND o.type = 'APPLY'"
    " LEFT JOIN accountlines d ON d.accountlines_id = o.debit_id"
    " LEFT JOIN borrowers s ON s.borrowernumber = a.manager_id"
    " LEFT JOIN kohapay_intake i ON i.payment_id = a.accountlines_id"
    " LEFT JOIN kohapay_api_client k ON k.id = i.client_id"
    " WHERE a.register_id = %s AND a.date >= %s AND a.date < %s"
    " ORDER BY a.date, a.accountlines_id"
)
DAY_TOTALS = (
    f"SELECT a.payment_type, {FIGURES} FROM accountlines a"
    " WHERE a.register_id = %s AND a.date >= %s AND a.date < %s GROUP BY a.payment_type"
)


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """[first 00:00, last+1 00:00) in UTC."""
    start = datetime.combine(first, time.min, tzinfo=timezone.utc)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=timezone.utc)
    return start.replace(tzinfo=None), end.replace(tzinfo=None)


def overview(day: date) -> list[tuple[str, list]]:
    start, end = day_bounds(day, day)
    return [
        (REGISTERS, []), (PAYMENT_TYPE_LABELS, []),
        (DAY_BY_REGISTER_AND_TYPE, [start, end]), (SINCE_LAST_CASHUP, []),
    ]


def register_range(register: int, first: date, last: date) -> list[tuple[str, list]]:
    start, end = day_bounds(first, last)
    return [
        (REGISTERS, []), (PAYMENT_TYPE_LABELS, []),
        (REGISTER_DAYS, [register, start, end]),
        (REGISTER_BY_DEBIT_TYPE, [register, start, end]),
        (REGISTER_CASHUPS, [register, register, start, end]),
    ]


def day_page(register: int, day: date) -> list[tuple[str, list]]:
    start, end = day_bounds(day, day)
    return [
        (REGISTERS, []), (PAYMENT_TYPE_LABELS, []),
        (DAY_LINES, [register, start, end]), (DAY_TOTALS, [register, start, end]),
    ]


def execute_all(cur, queries: list[tuple[str, list]]) -> int:
    """Run the page's queries and fetch every row (the page pays for the transfer too)."""
    rows = 0
    for sql, params in queries:
        cur.execute(sql, params)
        rows += len(cur.fetchall())
    return rows
