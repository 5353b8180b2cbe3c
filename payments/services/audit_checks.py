"""What ``verify_ledger`` looks for (``ledger_check``): each check a condition over a queryset of
kohapay's intakes (pass 1: a charge's checks, ``intake_…``, a payment of existing debits',
``intake_pay_…``, a sale's and a refund's, ``intake_sale_…``/``intake_refund…``), of Koha's
register lines (pass 2), or of the Koha lines of kohapay's refunds (pass 3,
``audit_till_checks``), true for a finding."""
from __future__ import annotations

from collections.abc import Callable

from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Cast
from django.db.models.lookups import Exact, GreaterThan, In, IsNull

from koha.fields import MoneyField
from koha.models import AccountOffset
from payments.services.audit_expressions import (
    CHARGE,
    PAY,
    Check,
    JsonValue,
    amount,
    credit,
    debit,
    differ,
    negated,
    refunded_by_kohapay,
    same,
    unchanged,
)
from payments.services.audit_pay_checks import PAY_CHECKS
from payments.services.audit_till_checks import REFUND_CHECKS, REFUND_LINE_CHECKS, SALE_CHECKS

__all__ = ["INTAKE_CHECKS", "LINE_CHECKS", "REFUND_LINE_CHECKS", "Check"]


# --- pass 1: kohapay's intakes -----------------------------------------------------------------


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


def charge(predicate: Callable[[], Q]) -> Callable[[], Q]:
    return lambda: CHARGE & predicate()


INTAKE_CHECKS = [
    Check("intake_line_missing", "anomaly", "the intake's debit or credit line does not exist",
          charge(lambda: Q(IsNull(debit("pk"), True)) | Q(IsNull(credit("pk"), True)))),
    Check("intake_wrong_lines", "anomaly",
          "the lines are not a debit and a PAYMENT credit of the intake's patron",
          charge(_wrong_lines)),
    Check("intake_amount_mismatch", "anomaly",
          "the debit is not +A or the credit not -A (A: the amount of the stored response)",
          charge(_amount_mismatch)),
    Check("intake_apply_missing", "anomaly",
          "no APPLY offset moves the full amount from the credit to the debit",
          charge(_apply_missing)),
    Check("intake_outstanding", "anomaly",
          "the debit or the credit is still outstanding (and Koha has changed neither since)",
          charge(lambda: (unchanged() | refunded_by_kohapay())
                 & (differ(debit("amountoutstanding"), 0)
                    | differ(credit("amountoutstanding"), 0)))),
    Check("intake_place_mismatch", "anomaly",
          "the debit carries a register, or the credit's register or library is not the "
          "response's, or debit, credit and register are not of one library",
          charge(_place_mismatch)),
    Check("intake_response_mismatch", "anomaly",
          "the stored response names other rows than the intake record",
          charge(_response_mismatch)),
    *PAY_CHECKS,
    *SALE_CHECKS,
    *REFUND_CHECKS,
    Check("intake_changed_by_koha", "notice",
          "Koha changed the payment or the charge later (e.g. a VOID payment, a charge "
          "REFUNDED at Koha's desk; kohapay's own refunds are not changes)",
          lambda: ~(unchanged() | (CHARGE & refunded_by_kohapay()))),
    Check("intake_patron_removed", "notice",
          "Koha removed or anonymised the patron (the lines' borrowernumber is NULL)",
          # a sale has no patron to remove
          lambda: (CHARGE & Q(IsNull(debit("patron_id"), True)))
          | ((CHARGE | PAY) & Q(IsNull(credit("patron_id"), True)))),
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
