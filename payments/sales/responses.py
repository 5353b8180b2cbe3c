"""Response shapes of the sales and refunds routes — never a write. The lines are in Koha's own
``debit`` and ``credit`` definitions (``payments.responses``), as a payment's are. The bodies are
built directly (a test holds each to its documented serializer) and stored for replays."""
from decimal import Decimal

from rest_framework import serializers

from core.money import AmountField, exact
from payments.responses import (
    AccountOffsetResultSerializer,
    KohaCreditSerializer,
    KohaDebitSerializer,
    credit_body,
    debit_body,
    offset_body,
)


class SaleResultSerializer(serializers.Serializer):
    """The answer to a sale (and to every later read or replay of it)."""

    sale_id = serializers.IntegerField(help_text="The PURCHASE credit's account_line_id.")
    cash_register_id = serializers.IntegerField()
    library_id = serializers.CharField(help_text="The register's library, on every line.")
    payment_type = serializers.CharField()
    external_id = serializers.CharField(allow_null=True)
    total = AmountField(help_text="The sum of the items' quantity × price.")
    credit = KohaCreditSerializer(help_text="The PURCHASE credit: −total, on the register, "
                                            "no patron.")
    debits = KohaDebitSerializer(many=True, help_text="One per item, in the order of items: "
                                                      "quantity × price, internal_note the "
                                                      "quantity, no patron, no register.")
    offsets = AccountOffsetResultSerializer(many=True, help_text="Each debit's CREATE, the "
                                            "credit's CREATE (−total, Koha's sign on this "
                                            "path), an APPLY per debit.")


def sale_response_body(*, plan, external_id, credit, debits, offsets) -> dict:
    """The 201 body of a sale (``plan``: its ``SalePlan``), from the rows as stored: exactly what
    ``SaleResultSerializer`` produces."""
    return {
        "sale_id": credit.pk, "cash_register_id": plan.register_id,
        "library_id": plan.library_id, "payment_type": plan.payment_type,
        "external_id": external_id, "total": exact(plan.total), "credit": credit_body(credit),
        "debits": [debit_body(debit) for debit in debits],
        "offsets": [offset_body(offset) for offset in offsets],
    }


# --- refunds --------------------------------------------------------------------------------------
class RefundedLinesSerializer(serializers.Serializer):
    """What one debit's refund wrote: Koha's ``reduce`` then ``payout``."""

    debit = KohaDebitSerializer(help_text="The refunded debit, status REFUNDED (its "
                                          "amount_outstanding as it was).")
    credit = KohaCreditSerializer(help_text="The REFUND credit reduce made: −amount, status "
                                            "PAID, no register.")
    payout = KohaDebitSerializer(help_text="The PAYOUT debit: +amount, payout_type and the "
                                           "register — the money leaving the till.")


# The two answers share their properties after the first ones (declared in each: DRF puts an
# inherited field before the class's own, and the answer names what it refunded first).
class PaymentRefundResultSerializer(serializers.Serializer):
    """The answer to the refund of a patron's payment (and to its replays)."""

    payment_id = serializers.IntegerField(help_text="The refunded payment (its PAYMENT "
                                                    "credit's account_line_id).")
    patron_id = serializers.IntegerField()
    cash_register_id = serializers.IntegerField(allow_null=True,
                                                help_text="The register the money left from.")
    library_id = serializers.CharField(allow_null=True)
    payout_type = serializers.CharField()
    amount = AmountField(help_text="The money given back by this refund.")
    refundable = AmountField(help_text="What is still refundable afterwards.")
    refunds = RefundedLinesSerializer(many=True, help_text="One per debit refunded, in the "
                                                           "order it was paid.")
    offsets = AccountOffsetResultSerializer(many=True, help_text="Per debit: the refund "
                                            "credit's CREATE (−amount), its zero APPLY to the "
                                            "debit, the payout's CREATE, the credit's APPLY to "
                                            "the payout.")


class SaleRefundResultSerializer(serializers.Serializer):
    """The answer to the refund of a sale (and to its replays)."""

    sale_id = serializers.IntegerField(help_text="The refunded sale (its PURCHASE credit's "
                                                 "account_line_id).")
    cash_register_id = serializers.IntegerField(allow_null=True,
                                                help_text="The register the money left from.")
    library_id = serializers.CharField(allow_null=True)
    payout_type = serializers.CharField()
    amount = AmountField(help_text="The money given back by this refund.")
    refundable = AmountField(help_text="What is still refundable afterwards.")
    refunds = RefundedLinesSerializer(many=True, help_text="One per debit refunded, in the "
                                                           "order it was paid.")
    offsets = AccountOffsetResultSerializer(many=True, help_text="Per debit: the refund "
                                            "credit's CREATE (−amount), its zero APPLY to the "
                                            "debit, the payout's CREATE, the credit's APPLY to "
                                            "the payout.")


def refund_response_body(*, plan, rows, lines, offsets, refundable) -> dict:
    """The 201 body of a refund, from the lines as stored (``lines`` by id): exactly what
    ``PaymentRefundResultSerializer`` or ``SaleRefundResultSerializer`` produces."""
    if plan.kind == "payment":
        head = {"payment_id": plan.refunded_id, "patron_id": plan.patron_id}
    else:
        head = {"sale_id": plan.refunded_id}
    return {
        **head, "cash_register_id": plan.register_id, "library_id": plan.library_id,
        "payout_type": plan.payout_type,
        "amount": exact(sum((row.amount for row in rows), Decimal(0))),
        "refundable": exact(refundable),
        "refunds": [{"debit": debit_body(lines[row.debit.line_id]),
                     "credit": credit_body(lines[row.credit.pk]),
                     "payout": debit_body(lines[row.payout.pk])} for row in rows],
        "offsets": [offset_body(offset) for offset in offsets],
    }
