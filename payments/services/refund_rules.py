"""The rules of a refund, checked before the transaction: the payment or sale is the client's
own (another client's, or none: 404), the register and library the money leaves from, the
payout type. The result is a ``RefundPlan``; what is still refundable is decided in the
transaction, under lock (``services.refund``).

Where the money leaves: the register named (``cash_register_id``), else the one the payment or
sale was journaled to — as Koha's staff page pays out at the page's register. Its library is the
refund's ``branchcode`` (Koha passes the logged-in library, where the register is). A refund
without any register (a payment taken without one, none named) is made at the payment's library
— unless ``UseCashRegisters`` wants one for a CASH or SIP00 payout (Koha's ``payout`` throws
RegisterRequired). The register and library are checked as an intake's: they exist (400), the
client may use them (403), the register is not archived (400). The payout type is a
PAYMENT_TYPE value available at that library, as a payment type is.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from koha.identity.api_keys import KeyOwner
from payments import exceptions as err
from payments import selectors as payment_selectors
from payments.models import ApiClient, Intake
from payments.sales import selectors as sale_selectors
from payments.sales.references import TillReferences, till_references
from payments.services.rules import CASH_PAYMENT_TYPES, Places, allowed_places
from payments.services.sale_rules import check_payment_type, credit_number_format

PAYMENT, SALE = "payment", "sale"


@dataclass(frozen=True)
class RefundPlan:
    kind: str  # what is refunded: PAYMENT (a patron's) or SALE
    refunded_id: int  # its credit: the PAYMENT or the PURCHASE (the payment's or sale's id)
    patron_id: int | None
    staff_patron_id: int
    library_id: str | None  # Koha's branch of the refund
    register_id: int | None
    payout_type: str
    amount: Decimal | None  # None: everything still refundable
    note: str | None
    credit_number_format: str | None  # AutoCreditNumber when REFUND numbers its credits


def plan_payment_refund(*, client: ApiClient, owner: KeyOwner | None, patron_id: int,
                        payment_id: int, **request) -> RefundPlan:
    intake = payment_selectors.client_intake(client, patron_id=patron_id, payment_id=payment_id)
    if intake is None:
        raise err.PaymentNotFound()
    return _plan(client, owner, intake, PAYMENT, **request)


def plan_sale_refund(*, client: ApiClient, owner: KeyOwner | None, register_id: int,
                     sale_id: int, **request) -> RefundPlan:
    intake = sale_selectors.client_sale(client, register_id=register_id, sale_id=sale_id)
    if intake is None:
        raise err.SaleNotFound()
    return _plan(client, owner, intake, SALE, **request)


def _plan(client: ApiClient, owner: KeyOwner | None, intake: Intake, kind: str, *,
          amount: Decimal | None, payout_type: str, cash_register_id: int | None,
          reason: str | None) -> RefundPlan:
    paid_at = payment_selectors.credit_place(intake.payment_id)
    if paid_at is None:  # Koha deleted the credit since: nothing of it to refund
        raise err.PaymentNotFound() if kind == PAYMENT else err.SaleNotFound()
    register_id = cash_register_id if cash_register_id is not None else paid_at.register_id
    facts = till_references(client=client, register_id=register_id, payment_type=payout_type,
                            credit_type="REFUND")
    places = allowed_places(facts, owner)
    library_id = _place(facts, places, register_id, paid_at.library_id)
    if (register_id is None and payout_type in CASH_PAYMENT_TYPES
            and facts.preferences.use_cash_registers):
        raise err.RegisterRequired(f"UseCashRegisters is on: a {payout_type} payout needs a "
                                   "cash_register_id.")
    return RefundPlan(
        kind=kind, refunded_id=intake.payment_id, patron_id=intake.patron_id,
        staff_patron_id=owner.borrowernumber if owner else client.staff_patron_id,
        library_id=library_id, register_id=register_id,
        payout_type=check_payment_type(facts, payout_type, library_id), amount=amount,
        note=reason, credit_number_format=credit_number_format(facts),
    )


def _place(facts: TillReferences, places: Places, register_id: int | None,
           paid_at_library: str | None) -> str | None:
    """The refund's library: its register's, else where the payment was taken."""
    if register_id is None:
        if paid_at_library is not None and not places.allows(paid_at_library):
            raise err.LibraryOutOfScope()
        return paid_at_library
    register = facts.register
    if register is None:
        raise err.UnknownRegister(f"No cash register has the id {register_id}.")
    if not places.allows(register.library_id) or (
            places.registers and register_id not in places.registers):
        raise err.RegisterOutOfScope()
    if register.archived:
        raise err.RegisterArchived()
    return register.library_id
