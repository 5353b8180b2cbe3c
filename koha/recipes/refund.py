"""Refunding a paid charge, as Koha's staff pages do it: ``Koha::Account::Line::reduce`` with
type REFUND on the debit, then ``Koha::Account::Line::payout`` of that refund credit
(``members/boraccount.pl``'s "refund" of a patron's charge; ``pos/register.pl``'s refund of a
point-of-sale item: docs/koha-rows.md, "Refunds").

``reduce`` (on the debit D, amount a):

- refuses a PAYOUT or VOID debit, a ≤ 0, a above D's amount, and a that would take D's
  reductions — the DISCOUNT and REFUND credits linked to it — above D's amount;
- inserts the REFUND credit R: −a, born outstanding, ``status`` ADDED, D's patron, the staff,
  the interface, the branch passed, the note (newest Koha) — no register, no payment type, no
  description — and its CREATE offset with R's own **negative** amount;
- links R to D: when D still owes at least a, ``apply`` takes a off D (APPLY −a) and R becomes
  APPLIED; otherwise (a paid debit) a **zero** APPLY offset only records the link;
- sets D's ``status`` to REFUNDED.

``payout`` (on R, amount a):

- refuses a above what R has outstanding (so a refund ``apply`` took off the debt has nothing
  left to pay out: Koha's page dies there and rolls back);
- inserts the PAYOUT debit O: +a, born outstanding, ``payment_type`` = the payout type,
  **the register**, R's patron, the staff, the interface, the branch, the note — and its CREATE
  offset (+a);
- ``apply`` R to O: APPLY −a, both lines to 0;
- sets R's ``status`` to PAID.

Neither writes a ``statistics`` row or a FINES log (they call neither ``add_debit`` nor
``add_credit``). Money leaves the till on O: it is the line that carries the register.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from koha.models import AccountLine, AccountOffset

ZERO = Decimal(0)
NOT_REDUCIBLE = frozenset({"PAYOUT", "VOID"})  # reduce's IsNotDebit
REFUNDED, ADDED, PAID = "REFUNDED", "ADDED", "PAID"  # D's, then R's, statuses


class CannotRefund(ValueError):
    """What Koha's ``reduce`` or ``payout`` would throw for this refund (IsNotDebit,
    AmountNotPositive, ParameterTooHigh): a caller's check failed to prevent it."""


@dataclass(frozen=True)
class Refund:
    """What Koha's staff page passes to ``reduce`` and ``payout``: the same ``branch``,
    ``staff_id``, ``interface`` and note to both; ``payout_type`` and the register to
    ``payout``."""

    manager_id: int
    library_id: str | None
    interface: str
    payout_type: str
    register_id: int | None
    note: str | None = None


@dataclass(frozen=True)
class Refunded:
    """The debit to refund, as read (locked) before refunding: ``reduced`` is what the
    DISCOUNT and REFUND credits linked to it already sum to (positive), as ``reduce`` counts it."""

    line_id: int
    patron_id: int | None
    debit_type: str | None
    amount: Decimal
    outstanding: Decimal
    reduced: Decimal = ZERO

    @property
    def reducible(self) -> Decimal:
        """The most ``reduce`` accepts: the amount less what is reduced already."""
        if self.debit_type in NOT_REDUCIBLE:
            return ZERO
        return max(self.amount - self.reduced, ZERO)


@dataclass
class RefundRows:
    debit: Refunded
    amount: Decimal
    credit: AccountLine  # the REFUND credit, as inserted (status ADDED, −a outstanding)
    payout: AccountLine  # the PAYOUT debit, as inserted (+a outstanding)

    def offsets(self) -> list[AccountOffset]:
        """Once R and O have their ids, in Koha's order: R's CREATE (−a), R's zero APPLY to D
        (the link of a debit that owes less than a), O's CREATE (+a), R's APPLY to O (−a)."""
        credit_id, payout_id = self.credit.pk, self.payout.pk
        return [
            AccountOffset(credit_id=credit_id, type=AccountOffset.Type.CREATE,
                          amount=self.credit.amount),
            AccountOffset(credit_id=credit_id, debit_id=self.debit.line_id,
                          type=AccountOffset.Type.APPLY, amount=ZERO),
            AccountOffset(debit_id=payout_id, type=AccountOffset.Type.CREATE,
                          amount=self.amount),
            AccountOffset(credit_id=credit_id, debit_id=payout_id,
                          type=AccountOffset.Type.APPLY, amount=-self.amount),
        ]

    def settle(self) -> None:
        """What ``payout``'s ``apply`` and status leave, for a writer that inserts the final
        state at once."""
        self.credit.amountoutstanding = self.payout.amountoutstanding = ZERO
        self.credit.status = PAID


def refund(refund: Refund, debit: Refunded, amount: Decimal, *, at: datetime) -> RefundRows:
    """The rows of ``reduce`` (REFUND, ``amount``) on ``debit`` then ``payout`` of the refund
    credit for the same amount, at ``at`` (aware); raises ``CannotRefund`` where Koha throws —
    among them a debit that still owes ``amount`` or more: ``reduce`` would take the refund off
    the debt, and ``payout`` would find nothing to pay out."""
    _check_reduce(debit, amount)
    if debit.outstanding >= amount:
        raise CannotRefund(f"Amount to payout ({amount}) is higher than amountoutstanding (0): "
                           f"debit {debit.line_id} still owes {debit.outstanding}.")
    common = {"patron_id": debit.patron_id, "date": at, "manager_id": refund.manager_id,
              "interface": refund.interface, "library_id": refund.library_id,
              "note": refund.note}
    credit = AccountLine(**common, amount=-amount, amountoutstanding=-amount,
                         credit_type_id="REFUND", status=ADDED)
    payout = AccountLine(**common, amount=amount, amountoutstanding=amount,
                         debit_type_id="PAYOUT", payment_type=refund.payout_type,
                         register_id=refund.register_id)
    return RefundRows(debit=debit, amount=amount, credit=credit, payout=payout)


def _check_reduce(debit: Refunded, amount: Decimal) -> None:
    if debit.debit_type in NOT_REDUCIBLE:
        raise CannotRefund(f"Account line {debit.line_id} is a {debit.debit_type.lower()}.")
    if amount <= ZERO:
        raise CannotRefund("Reduce amount passed is not positive.")
    if amount > debit.amount:
        raise CannotRefund(f"Amount to reduce ({amount}) is higher than original amount "
                           f"({debit.amount}).")
    if amount + debit.reduced > debit.amount:
        raise CannotRefund(f"Combined reduction ({amount} + {debit.reduced}) is higher than "
                           f"original amount ({debit.amount}).")
