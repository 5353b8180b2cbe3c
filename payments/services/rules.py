"""The rule checks of an intake: everything read from Koha's configuration and the client's scope
(in one statement, ``selectors.intake_references``), done *before* the transaction (reads only).
The result is an ``IntakePlan`` (a charge) or a ``PaymentPlan`` (a payment of debits the patron
already owes) that the write path turns into rows without further decisions — except, for a
payment, the debits themselves: the lines it names are checked here as committed, and every
debit is read again under lock in the transaction (``services.pay``).

Order: the library and register (the client's scope), then the debit type (a charge only), then
the payment type and Koha's register rule. Within each: existence (400) → the client's scope
(403) → state (400). A payment names no debit type, so a client's debit-type narrowing (what it
may *charge*) does not limit which debts it may take money for.

The libraries a client may record for (``Places``): a kohapay client's own list. A Koha API key's
owner may act where Koha lets them log in (``can_log_into``: any library, unless
``IndependentBranches``; then their home library, unless superlibrarian), narrowed — never widened
— by the libraries kohapay lists for the key; an intake that names no place goes to the owner's
home library, as Koha's API acts in it.
A configuration change between these reads and the transaction is not re-checked, except that
Koha's foreign keys still refuse a type or register deleted meanwhile (→ ``ConcurrentChange``).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from koha.identity.api_keys import KeyOwner
from koha.recipes import Circulation
from payments import exceptions as err
from payments import selectors
from payments.models import ApiClient
from payments.selectors import IntakeReferences

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


@dataclass(frozen=True)
class Places:
    """Where the client may record: ``libraries`` (None: any), the registers it is limited to
    (empty: all of those libraries'), and the library of an intake that names none."""

    libraries: frozenset[str] | None
    registers: frozenset[int]
    default_library: str | None
    unplaced: type[err.PaymentError] = err.LibraryRequired  # no place given and no default

    def allows(self, library_id: str) -> bool:
        return self.libraries is None or library_id in self.libraries


@dataclass(frozen=True)
class PaymentPlan:
    """A checked payment of debits the patron already owes: what the write path needs before it
    reads (and locks) the debits. ``description`` is the credit's (Koha's ``pay`` passes its
    own to ``add_credit``)."""

    patron_id: int
    staff_patron_id: int
    library_id: str
    register_id: int | None
    payment_type: str
    amount: Decimal
    account_lines_ids: tuple[int, ...]  # in the order given; may be empty
    description: str
    note: str
    fines_log: bool
    credit_number_format: str | None
    circulation: Circulation  # what Koha's apply would do on paying a debit off


def plan_intake(*, client: ApiClient, patron_id: int, debit_type: str, amount: Decimal,
                payment_type: str, register_id: int | None, library_id: str | None,
                description: str, note: str, owner: KeyOwner | None = None) -> IntakePlan:
    facts = _references(client, patron_id, library_id, register_id, payment_type, debit_type)
    library_id, register_id = _resolve_place(facts, allowed_places(facts, owner), library_id,
                                             register_id)
    debit_type = _check_debit_type(facts, debit_type, library_id)
    payment_type = _check_payment(facts, payment_type, library_id, register_id)
    return IntakePlan(
        patron_id=patron_id, staff_patron_id=_staff_patron(client, owner),
        library_id=library_id, register_id=register_id, debit_type=debit_type,
        payment_type=payment_type, amount=amount, description=description, note=note,
        fines_log=facts.preferences.fines_log, credit_number_format=_credit_number_format(facts),
    )


def plan_payment(*, client: ApiClient, patron_id: int, amount: Decimal, payment_type: str,
                 register_id: int | None, library_id: str | None,
                 account_lines_ids: list[int], description: str, note: str,
                 owner: KeyOwner | None = None) -> PaymentPlan:
    """The same rules as a charge's, without a debit type (a payment creates no debit)."""
    facts = _references(client, patron_id, library_id, register_id, payment_type, None)
    library_id, register_id = _resolve_place(facts, allowed_places(facts, owner), library_id,
                                             register_id)
    payment_type = _check_payment(facts, payment_type, library_id, register_id)
    _check_named_lines(patron_id, account_lines_ids)
    preferences = facts.preferences
    return PaymentPlan(
        patron_id=patron_id, staff_patron_id=_staff_patron(client, owner),
        library_id=library_id, register_id=register_id, payment_type=payment_type,
        amount=amount, account_lines_ids=tuple(account_lines_ids), description=description,
        note=note, fines_log=preferences.fines_log,
        credit_number_format=_credit_number_format(facts),
        circulation=Circulation(renew_accruing=preferences.renew_accruing_when_paid,
                                return_lost=preferences.lost_returned_on_payment),
    )


def _check_named_lines(patron_id: int, line_ids: list[int]) -> None:
    """Each named line is a debit of the patron with something outstanding — as committed now;
    the payment reads them again under lock, and one that stopped being payable in between was
    paid or changed concurrently (``ConcurrentChange``, not this)."""
    found = selectors.named_lines(line_ids)
    for line_id in line_ids:
        line = found.get(line_id)
        if line is None or line.patron_id != patron_id:
            reason = f"is not a line of patron {patron_id}"
        elif line.is_credit:
            reason = "is a credit, not a debit"
        elif line.outstanding <= 0:
            reason = "has nothing outstanding"
        else:
            continue
        raise err.InvalidAccountLine(f"Account line {line_id} {reason}.")


def _references(client: ApiClient, patron_id: int, library_id: str | None,
                register_id: int | None, payment_type: str,
                debit_type: str | None) -> IntakeReferences:
    facts = selectors.intake_references(
        client_id=client.pk, patron_id=patron_id, library_id=library_id,
        register_id=register_id, debit_type=debit_type, payment_type=payment_type,
    )
    if not facts.patron_exists:
        raise err.PatronNotFound()
    return facts


def _staff_patron(client: ApiClient, owner: KeyOwner | None) -> int:
    """manager_id: a Koha key's owner, else the kohapay client's staff patron."""
    return owner.borrowernumber if owner else client.staff_patron_id


def _check_payment(facts: IntakeReferences, payment_type: str, library_id: str,
                   register_id: int | None) -> str:
    """The payment type, then Koha's register rule (RegisterRequired)."""
    payment_type = _check_payment_type(facts, payment_type, library_id)
    cash = payment_type in CASH_PAYMENT_TYPES
    if facts.preferences.use_cash_registers and cash and register_id is None:
        raise err.RegisterRequired(
            f"UseCashRegisters is on: a {payment_type} payment needs a register_id."
        )
    return payment_type


def allowed_places(facts: IntakeReferences, owner: KeyOwner | None) -> Places:
    """Where this client may record: its libraries and registers (the discovery routes list
    the same)."""
    scope = facts.scope
    if owner is None:  # a kohapay client: its libraries; the only one when it has one
        only = next(iter(scope.libraries)) if len(scope.libraries) == 1 else None
        return Places(scope.libraries, scope.registers, only)
    libraries = owner.libraries(independent_branches=facts.preferences.independent_branches)
    if scope.libraries:
        libraries = scope.libraries if libraries is None else libraries & scope.libraries
    if libraries is None or owner.home_library in libraries:
        default = owner.home_library
    else:
        default = next(iter(libraries)) if len(libraries) == 1 else None
    # Nowhere left (Koha's rule and the narrowing share no library): every intake is refused.
    unplaced = err.LibraryOutOfScope if libraries == frozenset() else err.LibraryRequired
    return Places(libraries, scope.registers, default, unplaced)


def _resolve_place(facts: IntakeReferences, places: Places, library_id: str | None,
                   register_id: int | None) -> tuple[str, int | None]:
    """The library (explicit, else the register's, else the client's default) and register."""
    if library_id is not None:
        if facts.library != library_id:  # byte for byte: 'cpl' is not Koha's 'CPL'
            raise err.UnknownLibrary(f"No library has the code '{library_id}'.")
        if not places.allows(library_id):
            raise err.LibraryOutOfScope()
    if register_id is not None:
        register = _check_register(facts, places, register_id, library_id)
        return library_id or register.library_id, register_id
    if library_id is not None:
        return library_id, None
    if places.default_library is not None:
        return places.default_library, None
    raise places.unplaced()


def _check_register(facts: IntakeReferences, places: Places, register_id: int,
                    library_id: str | None):
    register = facts.register
    if register is None:
        raise err.UnknownRegister(f"No cash register has the id {register_id}.")
    if not places.allows(register.library_id) or (
        places.registers and register_id not in places.registers
    ):
        raise err.RegisterOutOfScope()
    if register.archived:
        raise err.RegisterArchived()
    if library_id is not None and register.library_id != library_id:
        raise err.RegisterLibraryMismatch(
            f"Cash register {register_id} belongs to {register.library_id}, not {library_id}."
        )
    return register


def _check_debit_type(facts: IntakeReferences, code: str, library_id: str) -> str:
    debit_type, scope = facts.debit_type, facts.scope
    if debit_type is None or debit_type.code != code:
        raise err.UnknownDebitType(f"No debit type has the code '{code}'.")
    if scope.debit_types and code not in scope.debit_types:
        raise err.DebitTypeOutOfScope()
    if debit_type.archived:
        raise err.DebitTypeArchived()
    if not (debit_type.can_be_invoiced or debit_type.can_be_sold):
        raise err.DebitTypeNotAllowed()
    limits = facts.debit_type_libraries
    if limits and library_id not in limits:
        raise err.DebitTypeNotAtLibrary(f"Debit type {code} is not available at {library_id}.")
    return debit_type.code


def _check_payment_type(facts: IntakeReferences, value: str, library_id: str) -> str:
    if facts.payment_type != value:
        raise err.InvalidPaymentType(f"'{value}' is not a PAYMENT_TYPE authorised value in Koha.")
    limits = facts.payment_type_libraries
    if limits and library_id not in limits:
        raise err.PaymentTypeNotAtLibrary(f"Payment type {value} is not available at {library_id}.")
    return value


def _credit_number_format(facts: IntakeReferences) -> str | None:
    """Koha numbers a new PAYMENT only when the pref names a known format *and* the credit type
    has ``credit_number_enabled`` (Koha::Account::Line::store)."""
    auto_credit_number = facts.preferences.auto_credit_number
    if auto_credit_number not in CREDIT_NUMBER_FORMATS:
        return None
    return auto_credit_number if facts.credit_numbers_enabled else None
