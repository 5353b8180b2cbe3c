"""Paying what a patron already owes: ``Koha::Account->pay`` (spec §3.3–3.5).

``pay`` calls ``payin_amount``: ``add_credit`` writes the PAYMENT credit (−A, born outstanding),
its CREATE offset (+A), its ``statistics`` row and, with ``FinesLog``, its FINES log; then
``Koha::Account::Line->apply`` walks the debits it was given, in that order, and for each one
writes an APPLY offset of −x, where x = min(what the credit has left, what the debit owes), and
lowers both lines' ``amountoutstanding`` by x, stopping when the credit is used up. Whatever is
left then goes to the patron's other outstanding debits (``pay``'s "historical behaviour",
applied whatever ``AccountAutoReconcile`` says); the caller passes them after the named ones,
in Koha's order (``outstanding_debits``: the patron's lines in id order). ``apply`` writes no
log rows of its own.

``apply`` also does more than the ledger when a debit is paid off (``circulation_effects``): it
renews the item of an accruing overdue fine, or returns a lost item. Those are circulation
writes no recipe here builds; a caller that cannot make them must not pay such a debit off.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from koha.dumper import SPEC_ORDER, KeyOrder
from koha.models import AccountLine, AccountOffset, ActionLog, Statistic
from koha.recipes.credits import Credit, payment_line, payment_log, payment_statistic

ZERO = Decimal(0)


@dataclass(frozen=True)
class Owed:
    """A debit the patron owes, as read (locked) before paying. The type, status and item are
    what ``apply`` looks at once the debit is paid off."""

    line_id: int
    outstanding: Decimal
    debit_type: str | None = None
    status: str | None = None
    item_id: int | None = None


@dataclass(frozen=True)
class Payment(Credit):
    fines_log: bool = True
    log_order: KeyOrder = SPEC_ORDER


@dataclass
class PaymentRows:
    credit: AccountLine
    statistic: Statistic
    logs: list[ActionLog]
    applied: list[tuple[Owed, Decimal]] = field(default_factory=list)  # debit, x: in order

    @property
    def unapplied(self) -> Decimal:
        """What ``apply`` left on the credit (−``amountoutstanding``)."""
        return -self.credit.amountoutstanding

    def offsets(self) -> list[AccountOffset]:
        """The credit's CREATE (+A, add_credit's sign) and an APPLY (−x) per debit paid: once the
        credit has its id."""
        credit_id = self.credit.pk
        return [
            AccountOffset(credit_id=credit_id, type=AccountOffset.Type.CREATE,
                          amount=-self.credit.amount),
            *(AccountOffset(credit_id=credit_id, debit_id=owed.line_id,
                            type=AccountOffset.Type.APPLY, amount=-x)
              for owed, x in self.applied),
        ]

    def debits_left(self) -> list[tuple[int, Decimal]]:
        """(debit id, its new ``amountoutstanding``) for each debit paid."""
        return [(owed.line_id, owed.outstanding - x) for owed, x in self.applied]


def pay(payment: Payment, debits: list[Owed], *, at: datetime) -> PaymentRows:
    """The rows of ``pay`` at ``at`` (aware) applied to ``debits`` in the order given (the
    named debits first, then the patron's others); the credit leaves with what was not
    applied still outstanding, as Koha leaves it."""
    credit = payment_line(payment, at=at)
    rows = PaymentRows(credit=credit, statistic=payment_statistic(payment, at=at),
                       logs=[payment_log(payment, order=payment.log_order)]
                       if payment.fines_log else [])
    available = payment.amount
    for owed in debits:
        if available == ZERO:
            break
        x = min(available, owed.outstanding)
        rows.applied.append((owed, x))
        available -= x
    credit.amountoutstanding = -available
    return rows


# --- what apply does beyond the ledger ---------------------------------------------------------


# MarkLostItemsAsReturned is a list of places; Koha's installer default lists them all,
# "onpayment" among them (spec §2.7): paying a lost item's fee off returns the item.
LOST_RETURNED_DEFAULT = "batchmod,moredetail,cronjob,additem,pendingreserves,onpayment"


@dataclass(frozen=True)
class Circulation:
    """The preferences ``apply`` reads once a debit is paid off."""

    renew_accruing: bool  # RenewAccruingItemWhenPaid
    return_lost: bool  # MarkLostItemsAsReturned lists "onpayment"


@dataclass(frozen=True)
class CirculationEffect:
    line_id: int
    item_id: int
    effect: str  # "renew" or "return_lost"


RENEW = "renew"
RETURN_LOST = "return_lost"


def circulation_effects(rows: PaymentRows, circulation: Circulation) -> list[CirculationEffect]:
    """What Koha's ``apply`` would do to circulation for the debits this payment pays off
    (``Koha/Account/Line.pm``), in the order it would do it:

    - **renew**: an OVERDUE debit whose status is UNRETURNED (a fine still accruing on a
      checkout), with an item, paid off by a credit other than FORGIVEN, while
      ``RenewAccruingItemWhenPaid`` is on (``is_renewable`` then ``renew_item``; Koha asks
      ``CanBookBeRenewed`` and may renew or not — either way it is Koha's decision to make);
    - **return_lost**: a LOST debit with an item, paid off, while ``MarkLostItemsAsReturned``
      contains ``onpayment`` (``C4::Circulation::ReturnLostItem``).

    A debit only partly paid triggers neither."""
    effects = []
    for owed, x in rows.applied:
        if owed.outstanding - x != ZERO or owed.item_id is None:
            continue
        if (circulation.renew_accruing and owed.debit_type == "OVERDUE"
                and owed.status == "UNRETURNED"):
            effects.append(CirculationEffect(owed.line_id, owed.item_id, RENEW))
        elif circulation.return_lost and owed.debit_type == "LOST":
            effects.append(CirculationEffect(owed.line_id, owed.item_id, RETURN_LOST))
    return effects
