"""``verify_ledger``'s checks of what kohapay recorded at a till (issue 16):

- a **sale** (an intake of kind ``sale``): its PURCHASE credit without patron is −total, at 0,
  on the response's register and of that register's library, with its CREATE offset of −total
  and APPLY offsets that sum to −total, one per item the response lists, each to a debit without
  patron or register, of the same library, at 0;
- a **refund** (an intake of kind ``refund``): it has the Koha lines of each debit it refunded
  (``RefundLine``), summing to the amount of its response, and it refunds a payment or sale of
  the same client;
- every payment or sale: never refunded above what it paid;
- each **refund line** (pass 3, ``REFUND_LINE_CHECKS``): the REFUND credit is −a, at 0, PAID,
  without register; the PAYOUT is +a, at 0, on the refund's register with its payout type; the
  offsets are reduce's and payout's (CREATE −a, the APPLY link to the debit, CREATE +a, APPLY −a
  to the payout); debit, credit and payout share one patron (or none); the debit is REFUNDED
  (a notice otherwise: Koha may change a debit's status later).

Part of ``audit_checks``: ``SALE_CHECKS`` and ``REFUND_CHECKS`` run in the intakes' pass."""
from __future__ import annotations

from collections.abc import Callable

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import Exact, GreaterThan, IsNull

from koha.fields import MoneyField
from koha.models import AccountLine, AccountOffset
from payments.models import Intake, RefundLine
from payments.services.audit_expressions import (
    Check,
    JsonLength,
    JsonValue,
    credit,
    differ,
    negated,
    same,
)

SALE, REFUND = Q(kind="sale"), Q(kind="refund")
REFUNDED_KINDS = ("charge", "pay", "sale")


def total() -> Cast:
    """The sale's total, from its stored response."""
    return Cast(JsonValue("$.total"), MoneyField())


def applied(aggregate) -> Subquery:
    return Subquery(AccountOffset.objects.filter(credit_id=OuterRef("payment_id"), type="APPLY")
                    .order_by().values("credit_id").annotate(value=aggregate)
                    .values("value")[:1])


def _sale_wrong_credit() -> Q:
    return (differ(credit("credit_type_id"), Value("PURCHASE"))
            | Q(IsNull(credit("patron_id"), False)))


def _sale_amount_mismatch() -> Q:
    return ~Q(GreaterThan(total(), 0)) | differ(credit("amount"), negated(total()))


def _sale_apply_mismatch() -> Q:
    return (~Q(same(applied(Sum("amount")), negated(total())))
            | ~Q(same(applied(Count("id")), JsonLength("$.debits"))))


def _sale_create_missing() -> Q:
    created = AccountOffset.objects.filter(
        Exact(F("amount"), negated(Cast(JsonValue("$.total", OuterRef("response_body")),
                                        MoneyField()))),
        credit_id=OuterRef("payment_id"), debit__isnull=True, type="CREATE")
    return ~Q(Exists(created))


def _sale_foreign_item() -> Q:
    """An APPLY of the sale to a line that is no anonymous item of the sale's library paid off:
    a credit, a patron's line, a line on a register, of another library, owing, or paid 0."""
    foreign = AccountOffset.objects.filter(credit_id=OuterRef("payment_id"), type="APPLY").filter(
        Q(amount__gte=0) | Q(debit__isnull=True) | Q(debit__credit_type_id__isnull=False)
        | Q(debit__patron_id__isnull=False) | Q(debit__register_id__isnull=False)
        | ~Q(debit__amountoutstanding=0) | ~Q(debit__library_id=F("credit__library_id")))
    return Q(Exists(foreign))


def _sale_place_mismatch() -> Q:
    return (~Q(same(credit("register_id"), JsonValue("$.cash_register_id")))
            | ~Q(same(credit("library_id"), JsonValue("$.library_id")))
            | differ(credit("register__library_id"), credit("library_id")))


def _sale_response_mismatch() -> Q:
    return (~Q(same(JsonValue("$.sale_id"), F("payment_id")))
            | ~Q(same(JsonValue("$.credit.account_line_id"), F("payment_id")))
            | Q(IsNull(F("debit_id"), False)) | Q(IsNull(F("patron_id"), False)))


def sale(predicate: Callable[[], Q]) -> Callable[[], Q]:
    return lambda: SALE & predicate()


SALE_CHECKS = [
    Check("intake_sale_credit_missing", "anomaly", "a sale's PURCHASE credit does not exist",
          sale(lambda: Q(IsNull(credit("pk"), True)))),
    Check("intake_sale_wrong_credit", "anomaly",
          "a sale's credit is not a PURCHASE, or carries a patron", sale(_sale_wrong_credit)),
    Check("intake_sale_amount_mismatch", "anomaly",
          "a sale's credit is not -total (total > 0: the total of the stored response)",
          sale(_sale_amount_mismatch)),
    Check("intake_sale_apply_mismatch", "anomaly",
          "a sale's APPLY offsets do not sum to -total, or are not one per item it lists",
          sale(_sale_apply_mismatch)),
    Check("intake_sale_create_missing", "anomaly",
          "a sale's credit has no CREATE offset of -total (its offsets do not balance)",
          sale(_sale_create_missing)),
    Check("intake_sale_foreign_item", "anomaly",
          "a sale paid a line that is not an item of the sale — a credit, a patron's line, a "
          "line on a register, of another library, still owing, or paid nothing",
          sale(_sale_foreign_item)),
    Check("intake_sale_outstanding", "anomaly", "a sale's credit is still outstanding",
          sale(lambda: differ(credit("amountoutstanding"), 0))),
    Check("intake_sale_place_mismatch", "anomaly",
          "a sale's register or library is not the response's, or its register is of another "
          "library (the register must be on the credit)", sale(_sale_place_mismatch)),
    Check("intake_sale_response_mismatch", "anomaly",
          "a sale's stored response names other rows than the intake record (or the record "
          "names a debit or a patron)", sale(_sale_response_mismatch)),
]


# --- refunds --------------------------------------------------------------------------------------
def refunded_total(intake=OuterRef("payment_id")) -> Coalesce:
    """What kohapay's refunds of this payment or sale gave back (0 when none)."""
    lines = (RefundLine.objects.filter(refund__kind="refund", refund__payment_id=intake)
             .order_by().values("refund__payment_id").annotate(s=Sum("amount")).values("s")[:1])
    return Coalesce(Subquery(lines), Value(0), output_field=MoneyField())


def _refund_lines(aggregate) -> Subquery:
    return Subquery(RefundLine.objects.filter(refund_id=OuterRef("pk")).order_by()
                    .values("refund_id").annotate(value=aggregate).values("value")[:1])


def _refund_orphan() -> Q:
    refunded = Intake.objects.filter(client_id=OuterRef("client_id"),
                                     payment_id=OuterRef("payment_id"),
                                     kind__in=REFUNDED_KINDS)
    return ~Q(Exists(refunded))


REFUND_CHECKS = [
    Check("intake_refund_lines_missing", "anomaly",
          "a refund has no record of the Koha lines it wrote", lambda: REFUND & Q(
              IsNull(_refund_lines(Count("id")), True))),
    Check("intake_refund_amount_mismatch", "anomaly",
          "a refund's lines do not sum to the amount of its stored response",
          lambda: REFUND & ~Q(same(_refund_lines(Sum("amount")),
                                   Cast(JsonValue("$.amount"), MoneyField())))),
    Check("intake_refund_orphan", "anomaly",
          "a refund refunds no payment or sale of its client", lambda: REFUND & _refund_orphan()),
    Check("intake_refunded_above_payment", "anomaly",
          "kohapay's refunds of a payment or sale give back more than it paid",
          lambda: Q(kind__in=REFUNDED_KINDS)
          & Q(GreaterThan(refunded_total(), negated(credit("amount"))))),
]


# --- pass 3: the Koha lines of each refund --------------------------------------------------------
def line(side: str, column: str) -> Subquery:
    return Subquery(AccountLine.objects.filter(pk=OuterRef(f"{side}_id")).values(column)[:1])


def offset(credit_side: str | None, debit_side: str | None, kind: str, amount) -> Q:
    found = AccountOffset.objects.filter(
        Exact(F("amount"), amount), type=kind,
        **({"credit_id": OuterRef(f"{credit_side}_id")} if credit_side
           else {"credit__isnull": True}),
        **({"debit_id": OuterRef(f"{debit_side}_id")} if debit_side
           else {"debit__isnull": True}))
    return Q(Exists(found))


def _wrong_credit() -> Q:
    return (differ(line("credit", "credit_type_id"), Value("REFUND"))
            | differ(line("credit", "amount"), negated(F("amount")))
            | differ(line("credit", "amountoutstanding"), 0)
            | differ(line("credit", "status"), Value("PAID"))
            | Q(IsNull(line("credit", "register_id"), False)))


def _wrong_payout() -> Q:
    response = F("refund__response_body")
    return (differ(line("payout", "debit_type_id"), Value("PAYOUT"))
            | differ(line("payout", "amount"), F("amount"))
            | differ(line("payout", "amountoutstanding"), 0)
            | ~Q(same(line("payout", "register_id"), JsonValue("$.cash_register_id", response)))
            | ~Q(same(line("payout", "payment_type"), JsonValue("$.payout_type", response))))


def _offsets_missing() -> Q:
    a = OuterRef("amount")  # the refund line's, inside each offset's subquery
    return ~(offset("credit", None, "CREATE", negated(a))
             & offset("credit", "debit", "APPLY", Value(0))
             & offset(None, "payout", "CREATE", a)
             & offset("credit", "payout", "APPLY", negated(a)))


def _patrons_differ() -> Q:
    return (~Q(same(line("debit", "patron_id"), line("credit", "patron_id")))
            | ~Q(same(line("credit", "patron_id"), line("payout", "patron_id"))))


REFUND_LINE_CHECKS = [
    Check("refund_line_missing", "anomaly",
          "a refund's debit, refund credit or payout line does not exist",
          lambda: Q(IsNull(line("debit", "pk"), True)) | Q(IsNull(line("credit", "pk"), True))
          | Q(IsNull(line("payout", "pk"), True))),
    Check("refund_line_wrong_credit", "anomaly",
          "a refund credit is not a REFUND of -a paid out (status PAID, at 0, without register)",
          _wrong_credit),
    Check("refund_line_wrong_payout", "anomaly",
          "a payout is not a PAYOUT of +a at 0 on the refund's register with its payout type",
          _wrong_payout),
    Check("refund_line_offsets_missing", "anomaly",
          "the offsets are not reduce's and payout's (CREATE -a, the APPLY link to the debit, "
          "CREATE +a, APPLY -a to the payout)", _offsets_missing),
    Check("refund_line_patrons_differ", "anomaly",
          "the refunded debit, the refund credit and the payout are not of one patron",
          _patrons_differ),
    Check("refund_line_debit_not_refunded", "notice",
          "the refunded debit's status is no longer REFUNDED (Koha changed it later)",
          lambda: differ(line("debit", "status"), Value("REFUNDED"))),
]
