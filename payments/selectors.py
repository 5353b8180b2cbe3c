"""Reads of the payment path: Koha's configuration (preferences, types, registers, libraries),
an API client's scope, and kohapay's intake records. No writes here (see ``payments.services``)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from koha.models import AccountLine
from koha.recipes.pay import LOST_RETURNED_DEFAULT
from payments import sql
from payments.models import ApiClient, Intake

# Koha's defaults when a preference row is missing (installer/data/mysql/mandatory/sysprefs.sql).
PREFERENCE_DEFAULTS = {"UseCashRegisters": "0", "FinesLog": "1", "AutoCreditNumber": "",
                       "IndependentBranches": "0", "RenewAccruingItemWhenPaid": "0",
                       "MarkLostItemsAsReturned": LOST_RETURNED_DEFAULT}


@dataclass(frozen=True)
class IntakePreferences:
    """The system preferences Koha reads on the add_debit + pay path (spec §2.7),
    ``IndependentBranches`` for where a Koha API key's owner may act, and the two that make
    ``apply`` change circulation when it pays a debit off
    (``koha.recipes.circulation_effects``)."""

    use_cash_registers: bool
    fines_log: bool
    auto_credit_number: str
    independent_branches: bool
    renew_accruing_when_paid: bool
    lost_returned_on_payment: bool


@dataclass(frozen=True)
class ClientScope:
    """Where a client may act. Empty ``registers`` / ``debit_types`` mean "no restriction"."""

    libraries: frozenset[str]
    registers: frozenset[int]
    debit_types: frozenset[str]


@dataclass(frozen=True)
class RegisterFacts:
    library_id: str
    archived: bool


@dataclass(frozen=True)
class DebitTypeFacts:
    code: str  # as Koha spells it (the row matched case-insensitively)
    archived: bool
    can_be_invoiced: bool
    can_be_sold: bool


@dataclass(frozen=True)
class IntakeReferences:
    """Everything the intake rules read from Koha's configuration and the client's scope.

    Codes are as Koha spells them: Koha's columns compare case-insensitively ('print' finds
    'PRINT'), so the rules compare them with the request byte for byte. ``None`` = no such row.
    Library limits are empty when the type is available everywhere."""

    patron_exists: bool
    preferences: IntakePreferences
    scope: ClientScope
    library: str | None
    register: RegisterFacts | None
    debit_type: DebitTypeFacts | None
    debit_type_libraries: frozenset[str]
    payment_type: str | None
    payment_type_libraries: frozenset[str]
    credit_numbers_enabled: bool  # account_credit_types PAYMENT.credit_number_enabled


def intake_references(*, client_id: int, patron_id: int, library_id: str | None,
                      register_id: int | None, debit_type: str | None,
                      payment_type: str) -> IntakeReferences:
    """The facts behind every rule of an intake, read in one statement (``sql.REFERENCES``;
    see ``rules``). A payment of existing debits names no ``debit_type``: no type is read."""
    rows = defaultdict(list)
    for kind, *columns in sql.reference_rows(
            client_id=client_id, patron_id=patron_id, library_id=library_id,
            register_id=register_id, debit_type=debit_type, payment_type=payment_type):
        rows[kind].append(columns)
    return _references(rows)


def _references(rows: dict[str, list]) -> IntakeReferences:
    codes = {kind: frozenset(row[0] for row in found) for kind, found in rows.items()}
    register = next(iter(rows["register"]), None)
    debit_type = next(iter(rows["debit_type"]), None)
    return IntakeReferences(
        patron_exists=bool(rows["patron"]),
        preferences=_preferences({row[0]: row[1] for row in rows["pref"]}),
        scope=ClientScope(
            libraries=codes.get("client_library", frozenset()),
            registers=frozenset(int(row[2]) for row in rows["client_register"]),
            debit_types=codes.get("client_debit_type", frozenset()),
        ),
        library=next(iter(codes.get("library", ())), None),
        register=register and RegisterFacts(library_id=register[0],
                                            archived=bool(int(register[2]))),
        debit_type=debit_type and DebitTypeFacts(
            code=debit_type[0], archived=bool(int(debit_type[2])),
            can_be_invoiced=bool(int(debit_type[3])), can_be_sold=bool(int(debit_type[4]))),
        debit_type_libraries=codes.get("debit_type_library", frozenset()),
        payment_type=next(iter(codes.get("payment_type", ())), None),
        payment_type_libraries=codes.get("payment_type_library", frozenset()),
        credit_numbers_enabled=any(int(row[2]) for row in rows["credit_numbers"]),
    )


def _preferences(stored: dict[str, str | None]) -> IntakePreferences:
    values = {**PREFERENCE_DEFAULTS, **stored}
    return IntakePreferences(
        use_cash_registers=(values["UseCashRegisters"] or "0").strip() == "1",
        fines_log=(values["FinesLog"] or "0").strip() == "1",
        auto_credit_number=(values["AutoCreditNumber"] or "").strip(),
        # Read as Perl's truth: only "" and "0" are off (koha.identity.preferences).
        independent_branches=_perl_true(values["IndependentBranches"]),
        renew_accruing_when_paid=_perl_true(values["RenewAccruingItemWhenPaid"]),
        # Koha/Account/Line.pm: `preference('MarkLostItemsAsReturned') =~ m|onpayment|`
        lost_returned_on_payment="onpayment" in (values["MarkLostItemsAsReturned"] or ""),
    )


def _perl_true(value: str | None) -> bool:
    return (value or "").strip() not in {"", "0"}


# --- the lines a payment names -------------------------------------------------------------------
@dataclass(frozen=True)
class NamedLine:
    """A line named in ``account_lines_ids``, as committed before the payment's transaction."""

    patron_id: int | None
    is_credit: bool
    outstanding: Decimal


def named_lines(line_ids: list[int]) -> dict[int, NamedLine]:
    """The named lines that exist, by id, in one indexed query (none asked for none named)."""
    if not line_ids:
        return {}
    rows = sql.named_line_rows(line_ids)  # one fixed statement: payments.sql says why
    return {pk: NamedLine(patron_id, credit_type is not None, outstanding or Decimal(0))
            for pk, patron_id, credit_type, outstanding in rows}


# --- kohapay's intake records ------------------------------------------------------------------
def intakes_by_key_or_external_id(client: ApiClient, key: str | None,
                                  external_id: str | None) -> list[Intake]:
    """The client's intakes with this idempotency key or this external id (at most one each:
    unique indexes), in one query; none asked when neither is given. A ``UNION ALL`` of one
    look-up per unique index, so the plan never depends on the optimizer merging them."""
    lookups = [Intake.objects.filter(client=client, **{field: value})
               for field, value in (("idempotency_key", key), ("external_id", external_id))
               if value is not None]
    if not lookups:
        return []
    return list(lookups[0].union(*lookups[1:], all=True))


PAYMENT_KINDS = (Intake.Kind.CHARGE, Intake.Kind.PAY)  # a refund of a payment has its patron too


def client_intake(client: ApiClient, *, patron_id: int, payment_id: int) -> Intake | None:
    """The client's own intake of this payment: a client never sees another client's."""
    return Intake.objects.filter(client=client, patron_id=patron_id, payment_id=payment_id,
                                 kind__in=PAYMENT_KINDS).first()


def client_intakes(client: ApiClient, *, patron_id: int, external_id: str | None = None,
                   limit: int = 100) -> list[Intake]:
    """The client's payments for a patron, newest first; with ``external_id``, at most one."""
    intakes = Intake.objects.filter(client=client, patron_id=patron_id, kind__in=PAYMENT_KINDS)
    if external_id is not None:
        intakes = intakes.filter(external_id=external_id)
    return list(intakes.order_by("-created_at", "-id")[:limit])


# --- what a refund reads before its transaction ------------------------------------------------
@dataclass(frozen=True)
class CreditPlace:
    """Where a payment's (or a sale's) credit was taken: its register and library."""

    register_id: int | None
    library_id: str | None


def credit_place(credit_id: int) -> CreditPlace | None:
    """The register and library of a credit kohapay recorded, None if Koha deleted it since."""
    row = AccountLine.objects.filter(pk=credit_id).values_list("register_id", "library_id").first()
    return None if row is None else CreditPlace(*row)
