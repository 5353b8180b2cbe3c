"""The rules of a sale without a patron (``Koha::Charges::Sales`` behind ``pos/pay.pl``), checked
before the transaction from one read (``payments.sales.references``). The result is a
``SalePlan`` the write path turns into rows without further decisions.

Order: the register (exists: 404; the client's scope: 403; archived: 400), then each item's
debit type in the order given (exists → the client's scope → archived → ``can_be_sold`` → the
register library's limits), then the payment type (a PAYMENT_TYPE value available at that
library). Koha's ``Sales.pm`` itself checks only the library limits of the types and of the
payment type; ``pos/pay.pl`` offers only types that are ``can_be_sold`` and not archived — kohapay
refuses what the page would not offer. A sale always names its register, so Koha's
RegisterRequired rule cannot refuse it.

Where a client may sell is the intake's own rule (``rules.allowed_places``, reused): a kohapay
client's libraries (and registers, if it is limited to some); a Koha API key's owner where Koha
lets them act, narrowed by the key's libraries.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from koha.identity.api_keys import KeyOwner
from koha.recipes import SaleItem
from payments import exceptions as err
from payments.models import ApiClient
from payments.sales.references import TillReferences, till_references
from payments.services.rules import CREDIT_NUMBER_FORMATS, allowed_places


@dataclass(frozen=True)
class SalePlan:
    register_id: int
    library_id: str  # the register's
    staff_patron_id: int
    payment_type: str
    items: tuple[SaleItem, ...]
    credit_number_format: str | None  # AutoCreditNumber when PURCHASE numbers its credits

    @property
    def total(self) -> Decimal:
        return sum((item.amount for item in self.items), Decimal(0))


def plan_sale(*, client: ApiClient, owner: KeyOwner | None, register_id: int,
              payment_type: str, items: list[dict]) -> SalePlan:
    codes = tuple(dict.fromkeys(item["debit_type"] for item in items))
    facts = till_references(client=client, register_id=register_id, payment_type=payment_type,
                            credit_type="PURCHASE", debit_types=codes)
    library_id = check_register(facts, owner, register_id)
    for position, item in enumerate(items):
        _check_debit_type(facts, item["debit_type"], library_id, position)
    return SalePlan(
        register_id=register_id, library_id=library_id,
        staff_patron_id=owner.borrowernumber if owner else client.staff_patron_id,
        payment_type=check_payment_type(facts, payment_type, library_id),
        items=tuple(SaleItem(item["debit_type"], item["price"], item["quantity"])
                    for item in items),
        credit_number_format=credit_number_format(facts),
    )


def check_register(facts: TillReferences, owner: KeyOwner | None, register_id: int) -> str:
    """The register of the path: it exists (404), the client may use it (403), it is not
    archived (400). Returns its library."""
    register = facts.register
    if register is None:
        raise err.RegisterNotFound(f"No cash register has the id {register_id}.")
    places = allowed_places(facts, owner)
    if not places.allows(register.library_id) or (
            places.registers and register_id not in places.registers):
        raise err.RegisterOutOfScope()
    if register.archived:
        raise err.RegisterArchived()
    return register.library_id


def _check_debit_type(facts: TillReferences, code: str, library_id: str, position: int) -> None:
    where = f"items[{position}]: "
    debit_type, scope = facts.debit_types.get(code), facts.scope
    if debit_type is None:
        raise err.UnknownDebitType(f"{where}no debit type has the code '{code}'.")
    if scope.debit_types and code not in scope.debit_types:
        raise err.DebitTypeOutOfScope(f"{where}this API client may not sell {code}.")
    if debit_type.archived:
        raise err.DebitTypeArchived(f"{where}debit type {code} is archived in Koha.")
    if not debit_type.can_be_sold:
        raise err.DebitTypeNotForSale(f"{where}debit type {code} cannot be sold (Koha's "
                                      "can_be_sold is off).")
    limits = facts.debit_type_libraries.get(code)
    if limits and library_id not in limits:
        raise err.DebitTypeNotAtLibrary(f"{where}debit type {code} is not available at "
                                        f"{library_id}.")


def check_payment_type(facts: TillReferences, value: str, library_id: str) -> str:
    """A PAYMENT_TYPE authorised value, byte for byte, available at the library."""
    if facts.payment_type != value:
        raise err.InvalidPaymentType(f"'{value}' is not a PAYMENT_TYPE authorised value in Koha.")
    limits = facts.payment_type_libraries
    if limits and library_id not in limits:
        raise err.PaymentTypeNotAtLibrary(f"Payment type {value} is not available at "
                                          f"{library_id}.")
    return value


def credit_number_format(facts: TillReferences) -> str | None:
    """Koha numbers the new credit only when the pref names a known format *and* its credit
    type has ``credit_number_enabled`` (``Koha::Account::Line::store``)."""
    number_format = facts.preferences.auto_credit_number
    if number_format not in CREDIT_NUMBER_FORMATS or not facts.credit_numbers_enabled:
        return None
    return number_format
