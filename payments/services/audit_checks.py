"""What ``verify_ledger`` looks for (``ledger_check``): each check a condition over a queryset of
kohapay's intakes (pass 1) or of Koha's register lines (pass 2), true for a finding."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.db.models.lookups import Exact, GreaterThan, In, IsNull

from koha.fields import MoneyField
from koha.models import AccountLine, AccountOffset


@dataclass(frozen=True)
class Check:
    code: str
    severity: str  # "anomaly" fails the command; "notice" is only reported
    description: str
    predicate: Callable[[], Q]  # true for a finding


class JsonValue(Func):
    """A scalar of the stored response as text; JSON null is SQL NULL (MariaDB's JSON_VALUE,
    SQLite's json_extract)."""

    function = "JSON_VALUE"
    output_field = CharField()

    def __init__(self, path: str, source=None):
        super().__init__(source if source is not None else F("response_body"), Value(path))

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="json_extract", **extra)


def same(left, right) -> Case:
    """``left <=> right``: equal, or both NULL — never NULL itself."""
    return Case(When(Exact(left, right), then=True),
                When(Q(IsNull(left, True)) & Q(IsNull(right, True)), then=True),
                default=False, output_field=BooleanField())


def differ(left, right) -> Q:
    """``left <> right`` (NULL, so not a finding, when either is NULL)."""
    return ~Q(Exact(left, right))


def negated(amount):
    return ExpressionWrapper(amount * Value(Decimal(-1)), output_field=MoneyField())


# --- pass 1: kohapay's intakes -----------------------------------------------------------------
# The intake's two lines, read by primary key: NULL columns when a line is missing (as a LEFT
# JOIN would give; the intake's foreign keys are not nullable, so the ORM would join INNER).
def debit(column: str) -> Subquery:
    return Subquery(AccountLine.objects.filter(pk=OuterRef("debit_id")).values(column)[:1])


def credit(column: str) -> Subquery:
    return Subquery(AccountLine.objects.filter(pk=OuterRef("payment_id")).values(column)[:1])


def amount(source=None) -> Cast:
    """A: the amount of the stored 201."""
    return Cast(JsonValue("$.debit.amount", source), MoneyField())


def unchanged() -> Q:
    return Q(IsNull(debit("status"), True)) & Q(IsNull(credit("status"), True))


def _wrong_lines() -> Q:
    return (Q(IsNull(debit("debit_type_id"), True)) | Q(IsNull(debit("credit_type_id"), False))
            | Q(IsNull(credit("credit_type_id"), True))
            | differ(credit("credit_type_id"), Value("PAYMENT"))
            | differ(debit("patron_id"), F("patron_id"))
            | differ(credit("patron_id"), F("patron_id")))


def _amount_mismatch() -> Q:
    return (~Q(GreaterThan(amount(), 0)) | differ(debit("amount"), amount())
            | differ(credit("amount"), negated(amount()))
            | differ(Cast(JsonValue("$.credit.amount"), MoneyField()), negated(amount())))


def _apply_missing() -> Q:
    applied = AccountOffset.objects.filter(
        Exact(F("amount"), negated(amount(OuterRef("response_body")))),
        credit_id=OuterRef("payment_id"), debit_id=OuterRef("debit_id"), type="APPLY",
    )
    return ~Q(Exists(applied))


def _place_mismatch() -> Q:
    return (Q(IsNull(debit("register_id"), False))
            | ~Q(same(credit("register_id"), JsonValue("$.credit.cash_register_id")))
            | ~Q(same(credit("library_id"), JsonValue("$.credit.library_id")))
            | ~Q(same(debit("library_id"), credit("library_id")))
            | differ(credit("register__library_id"), credit("library_id")))


def _response_mismatch() -> Q:
    return (~Q(same(JsonValue("$.payment_id"), F("payment_id")))
            | ~Q(same(JsonValue("$.credit.account_line_id"), F("payment_id")))
            | ~Q(same(JsonValue("$.debit.account_line_id"), F("debit_id")))
            | ~Q(same(JsonValue("$.patron_id"), F("patron_id"))))


INTAKE_CHECKS = [
    Check("intake_line_missing", "anomaly", "the intake's debit or credit line does not exist",
          lambda: Q(IsNull(debit("pk"), True)) | Q(IsNull(credit("pk"), True))),
    Check("intake_wrong_lines", "anomaly",
          "the lines are not a debit and a PAYMENT credit of the intake's patron", _wrong_lines),
    Check("intake_amount_mismatch", "anomaly",
          "the debit is not +A or the credit not -A (A: the amount of the stored response)",
          _amount_mismatch),
    Check("intake_apply_missing", "anomaly",
          "no APPLY offset moves the full amount from the credit to the debit", _apply_missing),
    Check("intake_outstanding", "anomaly",
          "the debit or the credit is still outstanding (and Koha has changed neither since)",
          lambda: unchanged() & (differ(debit("amountoutstanding"), 0)
                                 | differ(credit("amountoutstanding"), 0))),
    Check("intake_place_mismatch", "anomaly",
          "the debit carries a register, or the credit's register or library is not the "
          "response's, or debit, credit and register are not of one library", _place_mismatch),
    Check("intake_response_mismatch", "anomaly",
          "the stored response names other rows than the intake record", _response_mismatch),
    Check("intake_changed_by_koha", "notice",
          "Koha changed the payment or the charge later (e.g. a VOID payment, a REFUNDED charge)",
          lambda: ~unchanged()),
    Check("intake_patron_removed", "notice",
          "Koha removed or anonymised the patron (the lines' borrowernumber is NULL)",
          lambda: Q(IsNull(debit("patron_id"), True)) | Q(IsNull(credit("patron_id"), True))),
]

# --- pass 2: Koha's register lines -------------------------------------------------------------
LINE_CHECKS = [
    Check("register_charge", "anomaly",
          "a charge carries a register (only PAYOUT and CASHUP_DEFICIT debits may): the till "
          "would net the payment to zero",
          lambda: Q(IsNull(F("debit_type_id"), False))
          & ~Q(In(F("debit_type_id"), ["PAYOUT", "CASHUP_DEFICIT"]))),
    Check("register_other_library", "anomaly",
          "a credit at a register of another library than the credit's own",
          lambda: Q(IsNull(F("credit_type_id"), False)) & Q(IsNull(F("library_id"), False))
          & Q(IsNull(F("register__library_id"), False))
          & differ(F("library_id"), F("register__library_id"))),
    Check("register_date_after_timestamp", "anomaly",
          "a register line dated later than its own timestamp (hidden from Koha's register "
          "history, which filters on timestamp)",
          lambda: Q(GreaterThan(F("date"), F("timestamp")))),
]
