"""One demo event → exactly the rows Koha writes for it, as unsaved model instances for the bulk
writer.

* ``add_sale``: ``add_debit`` then ``pay`` (spec §3.6), built by ``koha.recipes.charge_and_pay``
  (the intake's own recipe) — debit and PAYMENT credit, CREATE/CREATE/APPLY offsets, one
  ``statistics`` row, two FINES/CREATE ``action_logs`` rows when ``FinesLog``.
* ``add_credit`` then, later, ``add_payout``: a manual CREDIT (``add_credit``, logged) paid out in
  cash with ``Line::payout`` (spec §4.3): a PAYOUT debit carrying the register, CREATE and APPLY
  offsets, the credit's status ``PAID``; Koha logs nothing for the payout itself.
* ``add_cashup``: a classic CASHUP action (spec §8.3), amount = signed sum of the session's lines.

The planner's moments are strings (``utc``, and ``local``: the library's wall clock); the rows
take the aware ``instant``, which Django writes as it writes the intake's (``statistics.datetime``
gets Koha's local wall-clock time from the recipe). Amounts are Decimals; every line ends with
outstanding 0.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from functools import cached_property

from koha import recipes
from koha.dumper import APPEND_ORDER, credit_log_info
from koha.models import AccountLine, AccountOffset, ActionLog, CashRegisterAction, Statistic

ZERO = Decimal("0.000000")


@dataclass(frozen=True)
class Moment:
    utc: str  # 'YYYY-MM-DD HH:MM:SS', UTC
    local: str  # the same instant on the library's wall clock

    @cached_property
    def instant(self) -> datetime:
        return datetime.fromisoformat(self.utc).replace(tzinfo=timezone.utc)


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
    """Unsaved model instances, per table, in the order they are inserted (foreign keys)."""

    lines: list[AccountLine] = field(default_factory=list)
    offsets: list[AccountOffset] = field(default_factory=list)
    statistics: list[Statistic] = field(default_factory=list)
    logs: list[ActionLog] = field(default_factory=list)
    cashups: list[CashRegisterAction] = field(default_factory=list)


def add_sale(rows: Rows, sale: Sale, debit_id: int, credit_id: int, fines_log: bool) -> None:
    """Koha's charge-and-pay (``koha.recipes``), written in its final state (settled) and
    stamped with the sale's time. The staff form sends the amount as text ("2.50"), which
    add_debit logs as it came; ``APPEND_ORDER`` keeps a bulk load of ``action_logs`` fast."""
    made = recipes.charge_and_pay(
        recipes.ChargeAndPay(
            patron_id=sale.patron, manager_id=sale.manager, library_id=sale.branchcode,
            interface=sale.interface, debit_type=sale.debit_type, amount=sale.amount,
            payment_type=sale.payment_type, register_id=sale.register,
            description=sale.description, fines_log=fines_log,
            amount_as_passed=f"{sale.amount:.2f}", log_order=APPEND_ORDER,
        ),
        at=sale.at.instant, stamped=sale.at.instant, debit_id=debit_id, credit_id=credit_id,
    )
    made.settle()
    rows.lines += (made.debit, made.credit)
    rows.offsets += made.offsets()
    rows.statistics.append(made.statistic)
    rows.logs += made.logs


def add_credit(rows: Rows, payout: Payout, credit_id: int, fines_log: bool) -> None:
    """The manual credit (``add_credit`` of type CREDIT) that a payout later hands back in cash.
    Written with its final state: paid out (status PAID, outstanding 0) at the payout's time."""
    c, a = payout.credited.instant, payout.amount
    rows.lines.append(AccountLine(
        accountlines_id=credit_id, patron_id=payout.patron, date=c, amount=-a,
        description=payout.description, credit_type_id="CREDIT", status="PAID",
        amountoutstanding=ZERO, timestamp=payout.at.instant, note="",
        manager_id=payout.manager, interface="intranet", library_id=payout.branchcode,
    ))
    rows.offsets.append(AccountOffset(credit_id=credit_id, type="CREATE", amount=a, created_on=c))
    if fines_log:
        info = credit_log_info(
            credit_type="CREDIT", patron_id=payout.patron, amount=a,
            description=payout.description, note="", manager_id=payout.manager,
            library_id=payout.branchcode, order=APPEND_ORDER,
        )
        rows.logs.append(ActionLog(timestamp=c, user=payout.manager, module="FINES",
                                   action="CREATE", object=payout.patron, info=info,
                                   interface="intranet"))


def add_payout(rows: Rows, payout: Payout, credit_id: int, debit_id: int) -> None:
    """``Line::payout`` of that credit: money leaves the till, so the PAYOUT debit carries it."""
    t, a = payout.at.instant, payout.amount
    rows.lines.append(AccountLine(
        accountlines_id=debit_id, patron_id=payout.patron, date=t, amount=a,
        debit_type_id="PAYOUT", payment_type="CASH", amountoutstanding=ZERO, timestamp=t,
        manager_id=payout.manager, register_id=payout.register, interface="intranet",
        library_id=payout.branchcode,
    ))
    rows.offsets.append(AccountOffset(debit_id=debit_id, type="CREATE", amount=a, created_on=t))
    rows.offsets.append(AccountOffset(credit_id=credit_id, debit_id=debit_id, type="APPLY",
                                      amount=-a, created_on=t))


def add_cashup(rows: Rows, register: int, manager: int, amount: Decimal, at: Moment) -> None:
    rows.cashups.append(CashRegisterAction(code="CASHUP", register_id=register,
                                           manager_id=manager, amount=amount,
                                           timestamp=at.instant))
