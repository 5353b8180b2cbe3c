"""``verify_ledger``'s checks of a payment of debits the patron already owed (an intake of kind
``pay``): the PAYMENT credit of the patron, −A and at 0; one CREATE offset of +A and APPLY
offsets that sum to −A, one per debit the stored response lists, each to a debit of the patron
that owed something. Part of ``audit_checks.INTAKE_CHECKS``."""
from __future__ import annotations

from collections.abc import Callable

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast
from django.db.models.lookups import Exact, GreaterThan, IsNull

from koha.fields import MoneyField
from koha.models import AccountOffset
from payments.services.audit_expressions import (
    PAY,
    Check,
    JsonLength,
    JsonValue,
    credit,
    differ,
    negated,
    same,
    unchanged,
)


def paid_amount() -> Cast:
    """−A: the credit amount of the stored response."""
    return Cast(JsonValue("$.credit.amount"), MoneyField())


def credit_offsets(kind: str):
    return AccountOffset.objects.filter(credit_id=OuterRef("payment_id"), type=kind)


def applied(aggregate) -> Subquery:
    """SUM or COUNT over the credit's APPLY offsets (NULL when it has none)."""
    return Subquery(credit_offsets("APPLY").order_by().values("credit_id")
                    .annotate(value=aggregate).values("value")[:1])


def _pay_wrong_credit() -> Q:
    return (Q(IsNull(credit("credit_type_id"), True))
            | differ(credit("credit_type_id"), Value("PAYMENT"))
            | differ(credit("patron_id"), F("patron_id")))


def _pay_amount_mismatch() -> Q:
    return ~Q(GreaterThan(negated(paid_amount()), 0)) | differ(credit("amount"), paid_amount())


def _pay_apply_mismatch() -> Q:
    """The APPLY offsets do not sum to −A, or are not as many as the debits the response
    lists (a void in Koha adds one: only while Koha has not changed the credit)."""
    return unchanged() & (~Q(same(applied(Sum("amount")), paid_amount()))
                          | ~Q(same(applied(Count("id")), JsonLength("$.debits"))))


def _pay_foreign_debit() -> Q:
    """An APPLY offset of the credit that moved nothing (so its line owed nothing), or that
    links a line that is not a debit of the intake's patron."""
    foreign = credit_offsets("APPLY").filter(
        Q(amount__gte=0) | Q(debit__isnull=True) | Q(debit__credit_type_id__isnull=False)
        | (Q(debit__patron_id__isnull=False) & ~Q(debit__patron_id=OuterRef("patron_id"))))
    return Q(Exists(foreign))


def _pay_create_missing() -> Q:
    created = credit_offsets("CREATE").filter(
        Exact(F("amount"), negated(Cast(JsonValue("$.credit.amount", OuterRef("response_body")),
                                        MoneyField()))), debit__isnull=True)
    return ~Q(Exists(created))


def _pay_place_mismatch() -> Q:
    return (~Q(same(credit("register_id"), JsonValue("$.credit.cash_register_id")))
            | ~Q(same(credit("library_id"), JsonValue("$.credit.library_id")))
            | differ(credit("register__library_id"), credit("library_id")))


def _pay_response_mismatch() -> Q:
    return (~Q(same(JsonValue("$.payment_id"), F("payment_id")))
            | ~Q(same(JsonValue("$.credit.account_line_id"), F("payment_id")))
            | ~Q(same(JsonValue("$.patron_id"), F("patron_id")))
            | Q(IsNull(F("debit_id"), False)))


def pay(predicate: Callable[[], Q]) -> Callable[[], Q]:
    return lambda: PAY & predicate()


PAY_CHECKS = [
    Check("intake_pay_credit_missing", "anomaly", "a payment's credit line does not exist",
          pay(lambda: Q(IsNull(credit("pk"), True)))),
    Check("intake_pay_wrong_credit", "anomaly",
          "a payment's credit is not a PAYMENT of the intake's patron", pay(_pay_wrong_credit)),
    Check("intake_pay_amount_mismatch", "anomaly",
          "a payment's credit is not -A (A > 0: the amount of the stored response)",
          pay(_pay_amount_mismatch)),
    Check("intake_pay_apply_mismatch", "anomaly",
          "a payment's APPLY offsets do not sum to -A, or are not one per debit it lists "
          "(and Koha has not changed the credit since)", pay(_pay_apply_mismatch)),
    Check("intake_pay_foreign_debit", "anomaly",
          "a payment applied to a line that is not a debit of the patron, or that owed nothing",
          pay(_pay_foreign_debit)),
    Check("intake_pay_create_missing", "anomaly",
          "a payment's credit has no CREATE offset of +A (its offsets do not balance)",
          pay(_pay_create_missing)),
    Check("intake_pay_outstanding", "anomaly",
          "a payment's credit is still outstanding (and Koha has not changed it since)",
          pay(lambda: unchanged() & differ(credit("amountoutstanding"), 0))),
    Check("intake_pay_place_mismatch", "anomaly",
          "a payment's register or library is not the response's, or its register is of "
          "another library", pay(_pay_place_mismatch)),
    Check("intake_pay_response_mismatch", "anomaly",
          "a payment's stored response names other rows than the intake record (or the record "
          "names a debit of its own)", pay(_pay_response_mismatch)),
]
