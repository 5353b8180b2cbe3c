"""One demo event → exactly the rows Koha writes for it, as tuples for the bulk writer.

* ``add_sale``: ``add_debit`` then ``pay`` (spec §3.6) — debit and PAYMENT credit, CREATE/CREATE/
  APPLY offsets, one ``statistics`` row, two FINES/CREATE ``action_logs`` rows when ``FinesLog``.
  The register goes on the credit only (so the till counts the money once).
* ``add_credit`` then, later, ``add_payout``: a manual CREDIT (``add_credit``, logged) paid out in
  cash with ``Line::payout`` (spec §4.3): a PAYOUT debit carrying the register, CREATE and APPLY
  offsets, the credit's status ``PAID``; Koha logs nothing for the payout itself.
* ``add_cashup``: a classic CASHUP action (spec §8.3), amount = signed sum of the session's lines.

Times are strings: ``utc`` for MariaDB ``timestamp`` columns (kohapay's sessions speak UTC; SQLite
stores UTC as Django does), ``local`` for ``statistics.datetime``, a DATETIME that Koha fills with
its local wall-clock time. Amounts are Decimals; every line ends with outstanding 0.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from koha.dumper import dumper

ZERO = Decimal("0.000000")

LINE_COLUMNS = (
    "accountlines_id", "borrowernumber", "date", "amount", "description", "credit_type_code",
    "debit_type_code", "status", "payment_type", "amountoutstanding", "timestamp", "note",
    "manager_id", "register_id", "interface", "branchcode",
)
OFFSET_COLUMNS = ("credit_id", "debit_id", "type", "amount", "created_on")
STATISTIC_COLUMNS = (
    "datetime", "branch", "value", "type", "other", "itemnumber", "itemtype", "location",
    "borrowernumber", "ccode", "categorycode", "interface",
)
LOG_COLUMNS = (
    "timestamp", "user", "module", "action", "object", "info", "interface", "script", "trace",
)
CASHUP_COLUMNS = ("code", "register_id", "manager_id", "amount", "timestamp")


@dataclass(frozen=True)
class Moment:
    utc: str  # 'YYYY-MM-DD HH:MM:SS', UTC
    local: str  # the same instant on the library's wall clock


@dataclass(frozen=True)
class Sale:
    """A patron charged for something and paying for it at once, at a register."""

    at: Moment
    patron: int
    manager: int
    branchcode: str | None  # NULL when it came through SIP2 (Koha's SIP passes no library)
    register: int
    debit_type: str
    amount: Decimal
    description: str
    payment_type: str
    interface: str


@dataclass(frozen=True)
class Payout:
    """Money handed back in cash: a manual credit created at ``credited``, paid out at ``at``."""

    credited: Moment
    at: Moment
    patron: int
    manager: int
    branchcode: str
    register: int
    amount: Decimal
    description: str


@dataclass
class Rows:
    lines: list[tuple] = field(default_factory=list)
    offsets: list[tuple] = field(default_factory=list)
    statistics: list[tuple] = field(default_factory=list)
    logs: list[tuple] = field(default_factory=list)
    cashups: list[tuple] = field(default_factory=list)


def add_sale(rows: Rows, sale: Sale, debit_id: int, credit_id: int, fines_log: bool) -> None:
    t, a = sale.at.utc, sale.amount
    rows.lines.append((
        debit_id, sale.patron, t, a, sale.description, None, sale.debit_type, None, None, ZERO,
        t, "", sale.manager, None, sale.interface, sale.branchcode,
    ))
    rows.lines.append((
        credit_id, sale.patron, t, -a, "", "PAYMENT", None, None, sale.payment_type, ZERO,
        t, "", sale.manager, sale.register, sale.interface, sale.branchcode,
    ))
    rows.offsets.append((None, debit_id, "CREATE", a, t))
    rows.offsets.append((credit_id, None, "CREATE", a, t))  # add_credit stores +A (spec §3.1)
    rows.offsets.append((credit_id, debit_id, "APPLY", -a, t))
    rows.statistics.append((
        sale.at.local, sale.branchcode, -a, "payment", "", None, "", None, sale.patron, "", None,
        None,
    ))
    if fines_log:
        for info in (_debit_info(sale), _credit_info(sale)):
            rows.logs.append(_log(sale.at, sale.manager, sale.patron, sale.interface, info))


def add_credit(rows: Rows, payout: Payout, credit_id: int, fines_log: bool) -> None:
    """The manual credit (``add_credit`` of type CREDIT) that a payout later hands back in cash.
    Written with its final state: paid out (status PAID, outstanding 0) at the payout's time."""
    c, a = payout.credited.utc, payout.amount
    rows.lines.append((
        credit_id, payout.patron, c, -a, payout.description, "CREDIT", None, "PAID", None, ZERO,
        payout.at.utc, "", payout.manager, None, "intranet", payout.branchcode,
    ))
    rows.offsets.append((credit_id, None, "CREATE", a, c))
    if fines_log:
        info = _credit_pairs("CREDIT", payout.patron, a, payout.description, payout.manager,
                             payout.branchcode)
        rows.logs.append(_log(payout.credited, payout.manager, payout.patron, "intranet", info))


def add_payout(rows: Rows, payout: Payout, credit_id: int, debit_id: int) -> None:
    """``Line::payout`` of that credit: money leaves the till, so the PAYOUT debit carries it."""
    t, a = payout.at.utc, payout.amount
    rows.lines.append((
        debit_id, payout.patron, t, a, None, None, "PAYOUT", None, "CASH", ZERO,
        t, None, payout.manager, payout.register, "intranet", payout.branchcode,
    ))
    rows.offsets.append((None, debit_id, "CREATE", a, t))
    rows.offsets.append((credit_id, debit_id, "APPLY", -a, t))


def add_cashup(rows: Rows, register: int, manager: int, amount: Decimal, at: Moment) -> None:
    rows.cashups.append(("CASHUP", register, manager, amount, at.utc))


def _log(at: Moment, user: int, patron: int, interface: str, values: dict) -> tuple:
    return (at.utc, user, "FINES", "CREATE", patron, dumper(values), interface, None, None)


# Perl's hash order is random, so Koha's `info` texts list their keys in any order (spec §4.4).
# We lead with the keys that barely vary: `action_logs.info_idx` indexes the first 191 characters,
# and near-constant prefixes turn its inserts into appends instead of scattering them over an
# index that outgrows a small buffer pool (a 1 M-line seed ran ~2x slower in spec order).


def _debit_info(sale: Sale) -> dict:
    # add_debit logs the amount as its caller passed it (the staff form sends "2.50").
    return {
        "note": "", "itemnumber": None, "manager_id": sale.manager,
        "action": f"create_{sale.debit_type}", "debit_type_code": sale.debit_type,
        "borrowernumber": sale.patron, "amount": f"{sale.amount:.2f}",
        "amountoutstanding": f"{sale.amount:.2f}", "description": sale.description,
    }


def _credit_info(sale: Sale) -> dict:
    return _credit_pairs("PAYMENT", sale.patron, sale.amount, "", sale.manager, sale.branchcode)


def _credit_pairs(kind, patron, amount, description, manager, branchcode) -> dict:
    # add_credit negates the amount first, so Perl logs a number: -2.5, not -2.50.
    return {
        "note": "", "itemnumber": None, "manager_id": manager, "branchcode": branchcode,
        "action": f"create_{kind}", "credit_type_code": kind, "borrowernumber": patron,
        "amount": -amount, "amountoutstanding": -amount, "description": description,
    }
