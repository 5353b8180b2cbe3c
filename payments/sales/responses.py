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

