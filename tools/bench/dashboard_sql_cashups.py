"""Hand-written SQL for a register's cashups and Koha's summary of each (``Cashup.pm``, spec §8.4;
the page's version is ``registers/cashups.py``).

Koha's window of a cashup C is ``P.timestamp <= date <= C.timestamp`` (P: the cashup before C),
inclusive at both ends, and ``date < C.timestamp`` for a register's first cashup. The best a DBA
can do without one query per cashup: read the lines (and offsets) from the oldest window's start
to the newest cashup once, sort each into a *slot* — strictly between two cashup instants, or
exactly at one — with a CASE over the instants, and add up the slots of each window afterwards.
"""
from __future__ import annotations

from datetime import datetime

from tools.bench.raw_sql import SLACK, Runner, first_true

CASHUPS = (
    "SELECT a.id, a.timestamp, a.amount, m.borrowernumber, m.surname, m.firstname"
    " FROM cash_register_actions a LEFT JOIN borrowers m ON m.borrowernumber = a.manager_id"
    " WHERE a.register_id = %s AND a.code = 'CASHUP' AND a.timestamp >= %s AND a.timestamp < %s"
    " ORDER BY a.timestamp DESC, a.id DESC LIMIT %s"
)
PRIOR = (
    "SELECT timestamp FROM cash_register_actions WHERE register_id = %s AND code = 'CASHUP'"
    " AND timestamp < %s ORDER BY timestamp DESC, id DESC LIMIT 1"
)
# Koha's split of a window's lines: income = debit_type_code NULL, payout = credit_type_code NULL.
LINES = (
    "SELECT {slot}, (a.debit_type_code IS NULL), (a.credit_type_code IS NULL), a.payment_type,"
    " SUM(a.amount) FROM accountlines a {hint} WHERE a.register_id = %s AND {within}"
    " GROUP BY 1, 2, 3, a.payment_type"
)
# Offsets from the register's income lines to the debits they paid (every type: APPLY, VOID…).
INCOME = (
    "SELECT {slot}, d.debit_type_code, t.description, SUM(o.amount) FROM accountlines c {hint}"
    " JOIN account_offsets o ON o.credit_id = c.accountlines_id"
    " JOIN accountlines d ON d.accountlines_id = o.debit_id"
    " LEFT JOIN account_debit_types t ON t.code = d.debit_type_code"
    " WHERE c.register_id = %s AND c.debit_type_code IS NULL AND {within}"
    " GROUP BY 1, d.debit_type_code, t.description"
)
# Offsets into the register's payout lines from the credits they paid out.
PAYOUT = (
    "SELECT {slot}, c.credit_type_code, t.description, SUM(o.amount) FROM accountlines d {hint}"
    " JOIN account_offsets o ON o.debit_id = d.accountlines_id"
    " JOIN accountlines c ON c.accountlines_id = o.credit_id"
    " LEFT JOIN account_credit_types t ON t.code = c.credit_type_code"
    " WHERE d.register_id = %s AND d.credit_type_code IS NULL AND {within}"
    " GROUP BY 1, c.credit_type_code, t.description"
)


def cashups(run: Runner, register: int, start: datetime, end: datetime, limit: int) -> dict:
    """The newest ``limit`` cashups made in [start, end), the cashup before them, and per slot:
    the lines' sums and the income and payout offsets by type."""
    shown = run.rows(CASHUPS, [register, start, end, limit])
    if not shown:
        return {"shown": [], "prior": None, "lines": [], "income": [], "payout": []}
    prior = run.rows(PRIOR, [register, shown[-1][1]])
    prior = prior[0][0] if prior else None
    boundaries = ([prior] if prior else []) + sorted({row[1] for row in shown})
    found = {"shown": shown, "prior": prior, "boundaries": boundaries}
    for key, sql, alias in (("lines", LINES, "a"), ("income", INCOME, "c"),
                            ("payout", PAYOUT, "d")):
        slot, slot_params = _slot(f"{alias}.date", boundaries)
        within, within_params = _within(alias, prior, boundaries[-1])
        found[key] = run.rows(sql.format(slot=slot, within=within, hint=_hint(prior)),
                              [*slot_params, register, *within_params])
    return found


def _slot(column: str, boundaries: list[datetime]) -> tuple[str, list]:
    """Slot 2j: strictly between boundary j−1 and boundary j; slot 2j+1: exactly at j."""
    tests = []
    for boundary in boundaries:
        tests += [("<", boundary), ("<=", boundary)]
    return first_true(column, tests)


def _hint(prior: datetime | None) -> str:
    """With a lower bound on ``timestamp``, read timeidx: left alone, MariaDB may intersect the
    register and type indexes instead (every line of the register's history)."""
    return "FORCE INDEX (timeidx)" if prior is not None else ""


def _within(alias: str, prior: datetime | None, newest: datetime) -> tuple[str, list]:
    """Lines in at least one window; from the prior cashup on, through Koha's ``timeidx``."""
    if prior is None:  # the register's first cashup is shown: everything before it
        return f"{alias}.date <= %s", [newest]
    return (f"{alias}.date <= %s AND {alias}.date >= %s AND {alias}.timestamp >= %s",
            [newest, prior, prior - SLACK])


def slots_of(boundaries: list[datetime], stamp: datetime) -> set[int]:
    """The slots of the window that ends at ``stamp`` (Koha's inclusive ends)."""
    j = boundaries.index(stamp)
    return {0} if j == 0 else {2 * j - 1, 2 * j, 2 * j + 1}
