"""Hand-written SQL for the figures of each dashboard page: what a DBA who knows Koha's tables
would write for the same numbers, over Koha's own indexes. The pages are timed next to these,
and ``tools.bench.dashboard_figures`` checks that both give the same figures.

The definitions are the pages' (``registers/selectors.py``, ``registers/cashups.py``,
``registers/transactions.py``, spec §8):

- A **day** is a local day in ``KOHA_TIME_ZONE``: from one local midnight to the next, as UTC
  instants computed with zoneinfo (MariaDB has no named zones and the session speaks UTC); lines
  are grouped per day by a CASE over those instants (a balanced tree: log2(n) tests per line).
- A line is a **credit** (money in: income = −amount) when ``credit_type_code`` is set, else a
  debit (money out: payouts = +amount).
- **Income by debit type** follows *every* offset from one of the register's income lines
  (``debit_type_code`` NULL) to a debit — APPLY and VOID alike, as Koha's ``Cashup.pm`` does.
- **Variances and devices' reports** (issues 14–17): the overview shows, per register, the
  variance kohapay counted at its last cashup (counted − expected, summed over the types) and
  flags a register whose devices' current reports of the day differ from its lines; the day page
  lists those reports against the day's lines. The reports are read with their totals in one
  query and compared with the day's figures already read (as the pages do).
- **Recency**: every date filter ``date >= L`` also says ``timestamp >= L − 1 day``, so MariaDB
  reads the recent part of Koha's ``timeidx`` instead of every line of a register. That is the
  condition the pages add (``registers/recency.py``), and what a DBA writing the best query over
  Koha's existing indexes would add too: Koha writes ``date`` at, or before, the moment of
  writing. (The pages also OR in the lines kohapay has seen dated ahead; the seeded benchmark
  databases have none, and the figure check would show it if they had.) Where EXPLAIN showed
  MariaDB choosing a worse plan, the query says ``FORCE INDEX (timeidx)``, as a DBA would.

Each page function takes a ``Runner`` (a cursor that remembers what it ran, for EXPLAIN) and
returns the fetched rows; folding them into figures (``dashboard_figures``) is not timed.
"""
from __future__ import annotations

from datetime import date, timedelta

from tools.bench.dashboard_sql_cashups import cashups
from tools.bench.raw_sql import SLACK, Runner, first_true, in_list, midnights

CASHUPS_SHOWN = 40  # registers.pages.CASHUPS_SHOWN

CREDIT = "(a.credit_type_code IS NOT NULL)"
LINE_FIGURES = f"{CREDIT}, a.payment_type, SUM(a.amount), COUNT(*)"

REGISTERS = (
    "SELECT r.id, r.name, r.branch, b.branchname FROM cash_registers r"
    " JOIN branches b ON b.branchcode = r.branch WHERE r.archived = 0"
    " ORDER BY b.branchname, r.branch, r.name, r.id"
)
REGISTER = "SELECT r.id, r.name, r.branch, r.archived FROM cash_registers r WHERE r.id = %s"
PAYMENT_TYPE_LABELS = (
    "SELECT authorised_value, lib FROM authorised_values WHERE category = 'PAYMENT_TYPE'"
    " ORDER BY lib, id"
)
LAST_CASHUPS = (
    "SELECT register_id, MAX(timestamp) FROM cash_register_actions"
    " WHERE code = 'CASHUP' AND register_id IN ({ids}) GROUP BY register_id"
)
# kohapay's count of each register's last cashup, where it recorded one (the overview's
# variance: counted − expected, summed over the payment types counted).
LAST_VARIANCES = (
    "SELECT c.register_id, c.action_id, SUM(n.difference) FROM kohapay_cashup c"
    " JOIN cash_register_actions a ON a.id = c.action_id"
    " LEFT JOIN kohapay_cashup_count n ON n.cashup_id = c.id"
    " WHERE {conditions} GROUP BY c.register_id, c.action_id"
)
# Devices' current day totals (kohapay_settlement, a later report replaces an earlier one), each
# payment type's line: compared with the register's lines of that day, read by the page's
# figures query (PERIOD_BY_REGISTER, DAILY), so no second read of accountlines.
SETTLEMENTS = (
    "SELECT s.id, s.register_id, s.day, k.name, s.external_id, t.payment_type, t.amount,"
    " t.count FROM kohapay_settlement s JOIN kohapay_api_client k ON k.id = s.client_id"
    " JOIN kohapay_settlement_total t ON t.settlement_id = s.id"
    " WHERE s.register_id IN ({ids}) AND s.day = %s AND s.replaced_by_id IS NULL"
    " ORDER BY s.day, s.register_id, s.id, t.payment_type"
)
PERIOD_BY_REGISTER = (
    f"SELECT a.register_id, {LINE_FIGURES} FROM accountlines a"
    " WHERE a.register_id IN ({ids}) AND a.date >= %s AND a.date < %s AND a.timestamp >= %s"
    " GROUP BY a.register_id, 2, a.payment_type"
)
SINCE_CASHUP = (
    f"SELECT a.register_id, {LINE_FIGURES} FROM accountlines a"
    " WHERE ({conditions}) GROUP BY a.register_id, 2, a.payment_type"
)
DAILY = (
    f"SELECT {{day}}, {LINE_FIGURES} FROM accountlines a"
    " WHERE a.register_id = %s AND a.date >= %s AND a.date < %s AND a.timestamp >= %s"
    " GROUP BY 1, 2, a.payment_type"
)
# Offsets from the register's income lines to the debits they paid (APPLY, VOID, …).
# FORCE INDEX: left alone, MariaDB intersects the register and debit type indexes (every line of
# the register, ~5 × slower at 1 m lines) where the date range's timeidx reads only the range.
INCOME_OFFSETS = (
    " FROM accountlines c FORCE INDEX (timeidx)"
    " JOIN account_offsets o ON o.credit_id = c.accountlines_id"
    " JOIN accountlines d ON d.accountlines_id = o.debit_id"
    " LEFT JOIN account_debit_types t ON t.code = d.debit_type_code"
    " WHERE c.register_id = %s AND c.debit_type_code IS NULL"
)
BY_DEBIT_TYPE = (
    "SELECT d.debit_type_code, t.description, SUM(o.amount)" + INCOME_OFFSETS
    + " AND c.date >= %s AND c.date < %s AND c.timestamp >= %s"
    " GROUP BY d.debit_type_code, t.description"
)
DAY_LINES = (
    "SELECT a.accountlines_id, a.date, a.amount, a.payment_type, a.credit_type_code,"
    " a.debit_type_code, ct.description, dt.description, a.description, a.note,"
    " p.borrowernumber, p.cardnumber, p.surname, p.firstname,"
    " m.borrowernumber, m.surname, m.firstname, i.id, i.external_id, k.name"
    " FROM accountlines a"
    " LEFT JOIN account_credit_types ct ON ct.code = a.credit_type_code"
    " LEFT JOIN account_debit_types dt ON dt.code = a.debit_type_code"
    " LEFT JOIN borrowers p ON p.borrowernumber = a.borrowernumber"
    " LEFT JOIN borrowers m ON m.borrowernumber = a.manager_id"
    " LEFT JOIN kohapay_intake i ON i.payment_id = a.accountlines_id"
    " LEFT JOIN kohapay_api_client k ON k.id = i.client_id"
    " WHERE a.register_id = %s AND a.date >= %s AND a.date < %s AND a.timestamp >= %s"
    " ORDER BY a.date, a.accountlines_id"
)
# The other side of each of the day's lines: the debits a credit paid, the credits a payout used.
DAY_LINKS = (
    "SELECT a.accountlines_id, o.id, d.accountlines_id, o.amount, d.debit_type_code,"
    " t.description, d.description FROM accountlines a"
    " JOIN account_offsets o ON o.credit_id = a.accountlines_id"
    " JOIN accountlines d ON d.accountlines_id = o.debit_id"
    " LEFT JOIN account_debit_types t ON t.code = d.debit_type_code"
    " WHERE a.register_id = %s AND a.credit_type_code IS NOT NULL"
    " AND a.date >= %s AND a.date < %s AND a.timestamp >= %s"
    " UNION ALL "
    "SELECT a.accountlines_id, o.id, c.accountlines_id, o.amount, c.credit_type_code,"
    " t.description, c.description FROM accountlines a"
    " JOIN account_offsets o ON o.debit_id = a.accountlines_id"
    " JOIN accountlines c ON c.accountlines_id = o.credit_id"
    " LEFT JOIN account_credit_types t ON t.code = c.credit_type_code"
    " WHERE a.register_id = %s AND a.credit_type_code IS NULL"
    " AND a.date >= %s AND a.date < %s AND a.timestamp >= %s"
    " ORDER BY 2"
)


# --- pages -----------------------------------------------------------------------------------


def overview(run: Runner, day: date) -> dict:
    """The overview of one day: every active register's day and what is in its till since its
    last cashup (Koha's ``outstanding_accountlines``: dated strictly after it), the variance of
    that cashup where kohapay counted it, and the devices' reports of the day (compared with the
    day's figures, to flag a register whose devices disagree)."""
    registers = run.rows(REGISTERS)
    labels = run.rows(PAYMENT_TYPE_LABELS)
    ids = [r[0] for r in registers]
    if not ids:
        return {"registers": [], "labels": labels, "last": {}, "period": [], "since": [],
                "variances": [], "settlements": [], "day": day}
    last = dict(run.rows(LAST_CASHUPS.format(ids=in_list(ids)), ids))
    start, end = midnights(day, day)
    period = run.rows(PERIOD_BY_REGISTER.format(ids=in_list(ids)),
                      [*ids, start, end, start - SLACK])
    conditions, params = _since_cashup(ids, last)
    since = run.rows(SINCE_CASHUP.format(conditions=conditions), params)
    return {"registers": registers, "labels": labels, "last": last, "period": period,
            "since": since, "variances": _last_variances(run, last),
            "settlements": run.rows(SETTLEMENTS.format(ids=in_list(ids)), [*ids, day]),
            "day": day}


def _last_variances(run: Runner, last: dict) -> list[tuple]:
    if not last:
        return []
    conditions = " OR ".join(["(c.register_id = %s AND a.timestamp = %s)"] * len(last))
    return run.rows(LAST_VARIANCES.format(conditions=conditions),
                    [value for pair in last.items() for value in pair])


def _since_cashup(ids: list[int], last: dict) -> tuple[str, list]:
    parts, params = [], []
    for rid in ids:
        if rid in last:
            parts.append("(a.register_id = %s AND a.date > %s AND a.timestamp >= %s)")
            params += [rid, last[rid], last[rid] - SLACK]
    never = [rid for rid in ids if rid not in last]
    if never:  # a register never cashed up: all its lines
        parts.append(f"a.register_id IN ({in_list(never)})")
        params += never
    return " OR ".join(parts), params


def register_range(run: Runner, register: int, first: date, last: date) -> dict:
    """A register's days, its income by debit type, and its cashups with Koha's summaries."""
    bounds = midnights(first, last)
    start, end = bounds[0], bounds[-1]
    day, day_params = first_true("a.date", [("<", b) for b in bounds[1:-1]])
    found = {
        "register": run.rows(REGISTER, [register]),
        "labels": run.rows(PAYMENT_TYPE_LABELS),
        "days": [first + timedelta(days=n) for n in range(len(bounds) - 1)],
        "daily": run.rows(DAILY.format(day=day), [*day_params, register, start, end,
                                                  start - SLACK]),
        "by_debit_type": run.rows(BY_DEBIT_TYPE, [register, start, end, start - SLACK]),
    }
    found["cashups"] = cashups(run, register, start, end, CASHUPS_SHOWN)
    return found


def day_page(run: Runner, register: int, day: date) -> dict:
    """Every line of a register's day, with what it paid (or was paid by) and its intake, the
    day's figures, and the devices' reports of the day (compared with those figures)."""
    start, end = midnights(day, day)
    window = [register, start, end, start - SLACK]
    return {
        "register": run.rows(REGISTER, [register]),
        "labels": run.rows(PAYMENT_TYPE_LABELS),
        "totals": run.rows(DAILY.format(day="0"), window),
        "lines": run.rows(DAY_LINES, window),
        "links": run.rows(DAY_LINKS, window + window),
        "settlements": run.rows(SETTLEMENTS.format(ids="%s"), [register, day]),
        "day": day,
    }


# --- the finance journal (journal/facts.py): what every register line of a month contributed ---
# Every register's lines of a month: MariaDB's own choice is the register index (each register's
# whole history: 16.8 s at 1 M lines against 1.0 s through timeidx, measured), so the DBA forces
# timeidx.

JOURNAL_LINES = (
    "SELECT {day}, r.branch, a.payment_type, a.credit_type_code, a.debit_type_code,"
    " SUM(a.amount) FROM accountlines a FORCE INDEX (timeidx) JOIN cash_registers r ON r.id = a.register_id"
    " WHERE a.date >= %s AND a.date < %s AND a.timestamp >= %s GROUP BY 1, 2, 3, 4, 5"
)
JOURNAL_PAID = (
    "SELECT {day}, r.branch, a.payment_type, a.credit_type_code, d.debit_type_code,"
    " SUM(o.amount) FROM accountlines a FORCE INDEX (timeidx) JOIN cash_registers r ON r.id = a.register_id"
    " JOIN account_offsets o ON o.credit_id = a.accountlines_id"
    " JOIN accountlines d ON d.accountlines_id = o.debit_id"
    " WHERE a.credit_type_code IS NOT NULL AND a.date >= %s AND a.date < %s"
    " AND a.timestamp >= %s GROUP BY 1, 2, 3, 4, 5"
)
JOURNAL_CONSUMED = (
    "SELECT {day}, r.branch, a.payment_type, a.debit_type_code, c.credit_type_code,"
    " CASE WHEN c.credit_type_code = 'REFUND' THEN (SELECT d.debit_type_code"
    "  FROM account_offsets l JOIN accountlines d ON d.accountlines_id = l.debit_id"
    "  WHERE l.credit_id = c.accountlines_id AND l.debit_id <> a.accountlines_id"
    "  ORDER BY l.id LIMIT 1) END, SUM(o.amount)"
    " FROM accountlines a FORCE INDEX (timeidx) JOIN cash_registers r ON r.id = a.register_id"
    " JOIN account_offsets o ON o.debit_id = a.accountlines_id"
    " JOIN accountlines c ON c.accountlines_id = o.credit_id"
    " WHERE a.credit_type_code IS NULL AND a.date >= %s AND a.date < %s"
    " AND a.timestamp >= %s GROUP BY 1, 2, 3, 4, 5, 6"
)


def journal(run: Runner, first: date, last: date) -> dict:
    """The sums a month's journal is built from: every register's lines by day, library, payment
    type and type; what the credits paid, by the paid debit's type; what the debits consumed."""
    bounds = midnights(first, last)
    start, end = bounds[0], bounds[-1]
    day, day_params = first_true("a.date", [("<", b) for b in bounds[1:-1]])
    window = [*day_params, start, end, start - SLACK]
    return {
        "lines": run.rows(JOURNAL_LINES.format(day=day), window),
        "paid": run.rows(JOURNAL_PAID.format(day=day), window),
        "consumed": run.rows(JOURNAL_CONSUMED.format(day=day), window),
    }
