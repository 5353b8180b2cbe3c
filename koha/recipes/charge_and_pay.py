"""Charge-and-pay is ``Koha::Account->add_debit`` followed by ``pay`` of that debit (spec §3.6;
``docs/koha-rows.md`` names Koha's code):

- the debit line (+A) and the PAYMENT credit line (−A), both born outstanding, as Koha inserts
  them; ``pay``'s ``apply`` then brings both to 0 (``ChargeAndPayRows.settle``). Only the credit
  carries the register: it is the money that went into the till (spec §8.2);
- offsets CREATE (debit, +A), CREATE (credit, +A — add_credit's sign, spec §3.1) and APPLY
  (credit → debit, −A), which need the lines' ids (``ChargeAndPayRows.offsets``);
- the ``statistics`` row of type ``payment`` (value −A) that add_credit writes;
- with ``FinesLog``, two FINES/CREATE ``action_logs`` rows, ``info`` in Data::Dumper text.

Columns with a database default (``timestamp``, ``created_on``) are left to the database unless
``stamped`` says when the rows were written (a history written after the fact).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from koha.dumper import SPEC_ORDER, KeyOrder
from koha.models import AccountLine, AccountOffset, ActionLog, Statistic
from koha.recipes.credits import Credit, payment_line, payment_log, payment_statistic
from koha.recipes.debits import Debit, debit_line, debit_log

ZERO = Decimal(0)


@dataclass(frozen=True)
class ChargeAndPay:
    """What a caller passes to add_debit and pay. ``library_id`` goes on both lines (NULL when
    the caller passes none, as Koha's SIP server); ``amount_as_passed`` is how add_debit's
    caller spelled the amount, which Koha logs as it came (a form's "2.50"; default: ``amount``)."""

    patron_id: int
    manager_id: int
    library_id: str | None
    interface: str
    debit_type: str
    amount: Decimal
    payment_type: str
    register_id: int | None
    description: str = ""
    note: str = ""
    credit_number: str | None = None
    fines_log: bool = True
    amount_as_passed: Decimal | str | None = None
    log_order: KeyOrder = SPEC_ORDER


@dataclass
class ChargeAndPayRows:
    debit: AccountLine
    credit: AccountLine
    statistic: Statistic
    logs: list[ActionLog]
    stamped: datetime | None = None

    def offsets(self) -> list[AccountOffset]:
        """CREATE, CREATE, APPLY: once the lines have their ids."""
        amount, debit_id, credit_id = self.debit.amount, self.debit.pk, self.credit.pk
        stamp = {"created_on": self.stamped} if self.stamped else {}
        return [
            AccountOffset(debit_id=debit_id, type=AccountOffset.Type.CREATE, amount=amount,
                          **stamp),
            AccountOffset(credit_id=credit_id, type=AccountOffset.Type.CREATE, amount=amount,
                          **stamp),
            AccountOffset(credit_id=credit_id, debit_id=debit_id, type=AccountOffset.Type.APPLY,
                          amount=-amount, **stamp),
        ]

    def settle(self) -> None:
        """What ``apply`` leaves, for a writer that inserts the final state at once."""
        self.debit.amountoutstanding = self.credit.amountoutstanding = ZERO


def charge_and_pay(sale: ChargeAndPay, *, at: datetime, stamped: datetime | None = None,
                   debit_id: int | None = None, credit_id: int | None = None
                   ) -> ChargeAndPayRows:
    """The rows of add_debit + pay at ``at`` (aware). Ids may be given by a writer that
    allocates them itself; otherwise the lines get theirs when they are inserted."""
    credit, debit = _credit(sale), _debit(sale)
    return ChargeAndPayRows(
        debit=debit_line(debit, at=at, stamped=stamped, line_id=debit_id),
        credit=payment_line(credit, at=at, stamped=stamped, line_id=credit_id),
        statistic=payment_statistic(credit, at=at),
        logs=[debit_log(debit, order=sale.log_order, stamped=stamped),
              payment_log(credit, order=sale.log_order, stamped=stamped)]
        if sale.fines_log else [],
        stamped=stamped,
    )


def _credit(sale: ChargeAndPay) -> Credit:
    return Credit(
        patron_id=sale.patron_id, manager_id=sale.manager_id, library_id=sale.library_id,
        interface=sale.interface, amount=sale.amount, payment_type=sale.payment_type,
        register_id=sale.register_id, note=sale.note, credit_number=sale.credit_number,
    )


def _debit(sale: ChargeAndPay) -> Debit:
    return Debit(
        patron_id=sale.patron_id, manager_id=sale.manager_id, library_id=sale.library_id,
        interface=sale.interface, debit_type=sale.debit_type, amount=sale.amount,
        description=sale.description, note=sale.note, amount_as_passed=sale.amount_as_passed,
    )
