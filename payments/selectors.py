"""Reads of the payment path: Koha's configuration (preferences, types, registers, libraries),
an API client's scope, and kohapay's intake records. No writes here (see ``payments.services``)."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from payments.models import (
    ApiClient,
    AuthorisedValue,
    AuthorisedValueLibrary,
    CreditType,
    DebitType,
    DebitTypeLibrary,
    Intake,
    Patron,
    SystemPreference,
)
from registers.models import CashRegister, Library

# Koha's defaults when a preference row is missing (installer/data/mysql/mandatory/sysprefs.sql).
PREFERENCE_DEFAULTS = {"UseCashRegisters": "0", "FinesLog": "1", "AutoCreditNumber": ""}


@dataclass(frozen=True)
class IntakePreferences:
    """The system preferences Koha reads on the add_debit + pay path (spec §2.7)."""

    use_cash_registers: bool
    fines_log: bool
    auto_credit_number: str


@dataclass(frozen=True)
class ClientScope:
    """Where a client may act. Empty ``registers`` / ``debit_types`` mean "no restriction"."""

    libraries: frozenset[str]
    registers: frozenset[int]
    debit_types: frozenset[str]


def intake_preferences() -> IntakePreferences:
    values = dict(PREFERENCE_DEFAULTS)
    values.update(
        SystemPreference.objects.filter(variable__in=PREFERENCE_DEFAULTS)
        .values_list("variable", "value")
    )
    return IntakePreferences(
        use_cash_registers=(values["UseCashRegisters"] or "0").strip() == "1",
        fines_log=(values["FinesLog"] or "0").strip() == "1",
        auto_credit_number=(values["AutoCreditNumber"] or "").strip(),
    )


def client_scope(client: ApiClient) -> ClientScope:
    return ClientScope(
        libraries=frozenset(client.libraries.values_list("branchcode", flat=True)),
        registers=frozenset(client.registers.values_list("id", flat=True)),
        debit_types=frozenset(client.debit_types.values_list("code", flat=True)),
    )


def exact_match(queryset: QuerySet, field: str, value):
    """The row whose ``field`` equals ``value`` byte for byte. Koha's columns compare
    case-insensitively ('print' = 'PRINT'); kohapay wants the code exactly as Koha spells it."""
    return next((row for row in queryset.filter(**{field: value}) if getattr(row, field) == value),
                None)


def debit_type(code: str) -> DebitType | None:
    return exact_match(DebitType.objects.all(), "code", code)


def debit_type_libraries(code: str) -> frozenset[str]:
    """Library limits of a debit type; empty = available everywhere."""
    return frozenset(
        DebitTypeLibrary.objects.filter(debit_type_code=code).values_list("branchcode", flat=True)
    )


def payment_type(value: str) -> AuthorisedValue | None:
    return exact_match(
        AuthorisedValue.objects.filter(category="PAYMENT_TYPE"), "authorised_value", value
    )


def payment_type_libraries(av_id: int) -> frozenset[str]:
    return frozenset(
        AuthorisedValueLibrary.objects.filter(av_id=av_id).values_list("branchcode", flat=True)
    )


def cash_register(register_id: int) -> CashRegister | None:
    return CashRegister.objects.filter(pk=register_id).first()


def library(branchcode: str) -> Library | None:
    return exact_match(Library.objects.all(), "branchcode", branchcode)


def patron_exists(patron_id: int) -> bool:
    return Patron.objects.filter(pk=patron_id).exists()


def credit_numbers_enabled(credit_type: str = "PAYMENT") -> bool:
    return CreditType.objects.filter(code=credit_type, credit_number_enabled=True).exists()


# --- kohapay's intake records ------------------------------------------------------------------
def intake_by_idempotency_key(client: ApiClient, key: str) -> Intake | None:
    return Intake.objects.filter(client=client, idempotency_key=key).first()


def intake_by_external_id(client: ApiClient, external_id: str) -> Intake | None:
    return Intake.objects.filter(client=client, external_id=external_id).first()


def client_intake(client: ApiClient, *, patron_id: int, payment_id: int) -> Intake | None:
    """The client's own intake of this payment: a client never sees another client's."""
    return Intake.objects.filter(client=client, patron_id=patron_id, payment_id=payment_id).first()


def client_intakes(client: ApiClient, *, patron_id: int, external_id: str | None = None,
                   limit: int = 100) -> list[Intake]:
    """The client's intakes for a patron, newest first; with ``external_id``, at most one."""
    intakes = Intake.objects.filter(client=client, patron_id=patron_id)
    if external_id is not None:
        intakes = intakes.filter(external_id=external_id)
    return list(intakes.order_by("-created_at", "-id")[:limit])
