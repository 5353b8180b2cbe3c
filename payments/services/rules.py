"""The rule checks of an intake: everything read from Koha's configuration and the client's scope,
done *before* the transaction (reads only). The result is an ``IntakePlan`` that the write path
turns into rows without further decisions.

Order: the library and register (the client's scope), then the debit type, then the payment type
and Koha's register rule. Within each: existence (400) → the client's scope (403) → state (400).
A configuration change between these reads and the transaction is not re-checked, except that
Koha's foreign keys still refuse a type or register deleted meanwhile (→ ``ConcurrentChange``).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from payments import exceptions as err
from payments import selectors
from payments.models import ApiClient

# Koha's RegisterRequired rule: with UseCashRegisters on, cash needs a till (Koha/Account.pm).
CASH_PAYMENT_TYPES = frozenset({"CASH", "SIP00"})
CREDIT_NUMBER_FORMATS = frozenset({"incremental", "annual", "branchyyyymmincr"})


@dataclass(frozen=True)
class IntakePlan:
    """A checked intake: exactly what the write path needs."""

    patron_id: int
    staff_patron_id: int
    library_id: str
    register_id: int | None
    debit_type: str
    payment_type: str
    amount: Decimal
    description: str
    note: str
    fines_log: bool
    credit_number_format: str | None  # AutoCreditNumber when PAYMENT numbers its credits


def plan_intake(*, client: ApiClient, patron_id: int, debit_type: str, amount: Decimal,
                payment_type: str, register_id: int | None, library_id: str | None,
                description: str, note: str) -> IntakePlan:
    if not selectors.patron_exists(patron_id):
        raise err.PatronNotFound()
    scope = selectors.client_scope(client)
    preferences = selectors.intake_preferences()
    library_id, register_id = _resolve_place(scope, library_id, register_id)
    debit_type = _check_debit_type(scope, debit_type, library_id)
    payment_type = _check_payment_type(payment_type, library_id)
    cash = payment_type in CASH_PAYMENT_TYPES
    if preferences.use_cash_registers and cash and register_id is None:
        raise err.RegisterRequired(
            f"UseCashRegisters is on: a {payment_type} payment needs a register_id."
        )
    return IntakePlan(
        patron_id=patron_id, staff_patron_id=client.staff_patron_id, library_id=library_id,
        register_id=register_id, debit_type=debit_type, payment_type=payment_type,
        amount=amount, description=description, note=note, fines_log=preferences.fines_log,
        credit_number_format=_credit_number_format(preferences.auto_credit_number),
    )


def _resolve_place(scope: selectors.ClientScope, library_id: str | None,
                   register_id: int | None) -> tuple[str, int | None]:
    """The library (explicit, else the register's, else the client's only one) and register."""
    if library_id is not None:
        if selectors.library(library_id) is None:
            raise err.UnknownLibrary(f"No library has the code '{library_id}'.")
        if library_id not in scope.libraries:
            raise err.LibraryOutOfScope()
    if register_id is not None:
        register = _check_register(scope, register_id, library_id)
        return library_id or register.library_id, register_id
    if library_id is not None:
        return library_id, None
    if len(scope.libraries) == 1:
        return next(iter(scope.libraries)), None
    raise err.LibraryRequired()


def _check_register(scope: selectors.ClientScope, register_id: int, library_id: str | None):
    register = selectors.cash_register(register_id)
    if register is None:
        raise err.UnknownRegister(f"No cash register has the id {register_id}.")
    if register.library_id not in scope.libraries or (
        scope.registers and register_id not in scope.registers
    ):
        raise err.RegisterOutOfScope()
    if register.archived:
        raise err.RegisterArchived()
    if library_id is not None and register.library_id != library_id:
        raise err.RegisterLibraryMismatch(
            f"Cash register {register_id} belongs to {register.library_id}, not {library_id}."
        )
    return register


def _check_debit_type(scope: selectors.ClientScope, code: str, library_id: str) -> str:
    debit_type = selectors.debit_type(code)
    if debit_type is None:
        raise err.UnknownDebitType(f"No debit type has the code '{code}'.")
    if scope.debit_types and code not in scope.debit_types:
        raise err.DebitTypeOutOfScope()
    if debit_type.archived:
        raise err.DebitTypeArchived()
    if not (debit_type.can_be_invoiced or debit_type.can_be_sold):
        raise err.DebitTypeNotAllowed()
    limits = selectors.debit_type_libraries(code)
    if limits and library_id not in limits:
        raise err.DebitTypeNotAtLibrary(f"Debit type {code} is not available at {library_id}.")
    return debit_type.code


def _check_payment_type(value: str, library_id: str) -> str:
    payment_type = selectors.payment_type(value)
    if payment_type is None:
        raise err.InvalidPaymentType(f"'{value}' is not a PAYMENT_TYPE authorised value in Koha.")
    limits = selectors.payment_type_libraries(payment_type.id)
    if limits and library_id not in limits:
        raise err.PaymentTypeNotAtLibrary(f"Payment type {value} is not available at {library_id}.")
    return payment_type.authorised_value


def _credit_number_format(auto_credit_number: str) -> str | None:
    """Koha numbers a new PAYMENT only when the pref names a known format *and* the credit type
    has ``credit_number_enabled`` (Koha::Account::Line::store)."""
    if auto_credit_number not in CREDIT_NUMBER_FORMATS:
        return None
    return auto_credit_number if selectors.credit_numbers_enabled("PAYMENT") else None
