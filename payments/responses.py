"""Response shapes of the payment API — never a write.

They render Koha rows exactly as Koha's own REST API names them (spec §5.2
``definitions/debit.yaml``, §5.3 ``definitions/credit.yaml``), so a client that parses Koha's
debits and credits parses these unchanged. They are also what the OpenAPI schema is built from,
and what the intake stores for replays.
"""
from django.utils import timezone
from rest_framework import serializers

from core.money import AmountField, exact


# --- response ----------------------------------------------------------------------------------
class KohaDateTimeField(serializers.DateTimeField):
    """ISO 8601 with the offset of Koha's time zone (``+00:00``, never ``Z``), as Koha prints."""

    def to_representation(self, value):
        return timezone.localtime(value).isoformat() if value is not None else None


class KohaDebitSerializer(serializers.Serializer):
    """Koha's ``debit`` definition, property for property."""

    account_line_id = serializers.IntegerField(source="accountlines_id")
    amount = AmountField()
    amount_outstanding = AmountField(source="amountoutstanding")
    cash_register_id = serializers.IntegerField(source="register_id", allow_null=True)
    checkout_id = serializers.IntegerField(source="issue_id", allow_null=True)
    date = KohaDateTimeField()
    description = serializers.CharField(allow_null=True)
    interface = serializers.CharField(allow_null=True)
    internal_note = serializers.CharField(source="note", allow_null=True)
    item_id = serializers.IntegerField(source="itemnumber", allow_null=True)
    library_id = serializers.CharField(allow_null=True)
    patron_id = serializers.IntegerField(allow_null=True)
    payout_type = serializers.CharField(source="payment_type", allow_null=True)
    status = serializers.CharField(allow_null=True)
    timestamp = KohaDateTimeField()
    type = serializers.CharField(source="debit_type_id")
    user_id = serializers.IntegerField(source="manager_id", allow_null=True)


class KohaCreditSerializer(serializers.Serializer):
    """Koha's ``credit`` definition, property for property (amounts negative, as Koha)."""

    account_line_id = serializers.IntegerField(source="accountlines_id")
    amount = AmountField()
    amount_outstanding = AmountField(source="amountoutstanding")
    cash_register_id = serializers.IntegerField(source="register_id", allow_null=True)
    credit_number = serializers.CharField(allow_null=True)
    date = KohaDateTimeField()
    description = serializers.CharField(allow_null=True)
    interface = serializers.CharField(allow_null=True)
    internal_note = serializers.CharField(source="note", allow_null=True)
    library_id = serializers.CharField(allow_null=True)
    patron_id = serializers.IntegerField(allow_null=True)
    payment_type = serializers.CharField(allow_null=True)
    status = serializers.CharField(allow_null=True)
    timestamp = KohaDateTimeField()
    type = serializers.CharField(source="credit_type_id")
    user_id = serializers.IntegerField(source="manager_id", allow_null=True)


class AccountOffsetResultSerializer(serializers.Serializer):
    """One ``account_offsets`` row: CREATE (+A) per line, APPLY (−A) from credit to debit."""

    offset_id = serializers.IntegerField(source="id")
    type = serializers.CharField()
    credit_id = serializers.IntegerField(allow_null=True)
    debit_id = serializers.IntegerField(allow_null=True)
    amount = AmountField()


class PaymentIntakeResultSerializer(serializers.Serializer):
    """The answer to an intake (and to every later read or replay of it)."""

    payment_id = serializers.IntegerField(help_text="The PAYMENT credit's account_line_id.")
    patron_id = serializers.IntegerField()
    external_id = serializers.CharField(allow_null=True)
    balance = AmountField(help_text="The patron's balance after the intake, as Koha computes "
                                        "it (positive: the patron owes).")
    debit = KohaDebitSerializer()
    credit = KohaCreditSerializer()
    offsets = AccountOffsetResultSerializer(many=True)


class PaymentOfDebitsResultSerializer(serializers.Serializer):
    """The answer to a payment of debits the patron already owed (and to every later read or
    replay of it): the credit, every debit it paid with its new ``amount_outstanding`` (in the
    order paid), and the offsets — Koha's own shapes, as for a charge."""

    payment_id = serializers.IntegerField(help_text="The PAYMENT credit's account_line_id.")
    patron_id = serializers.IntegerField()
    external_id = serializers.CharField(allow_null=True)
    balance = AmountField(help_text="The patron's balance after the payment, as Koha computes "
                                    "it (positive: the patron still owes).")
    credit = KohaCreditSerializer()
    debits = KohaDebitSerializer(many=True, help_text="The debits paid, in the order the "
                                                      "payment was applied to them.")
    offsets = AccountOffsetResultSerializer(many=True)


def intake_response_body(*, patron_id, external_id, balance, debit, credit, offsets) -> dict:
    """The 201 body of an intake, from the rows as stored: exactly what
    ``PaymentIntakeResultSerializer`` produces (same keys, order and values — a test compares
    them), built directly because running DRF's nested serializers cost ~0.45 ms per intake."""
    return {
        "payment_id": credit.pk, "patron_id": patron_id, "external_id": external_id,
        "balance": _amount(balance), "debit": debit_body(debit), "credit": credit_body(credit),
        "offsets": [offset_body(offset) for offset in offsets],
    }


def payment_response_body(*, patron_id, external_id, balance, credit, debits,
                          offsets) -> dict:
    """The 201 body of a payment of existing debits: exactly what
    ``PaymentOfDebitsResultSerializer`` produces (built directly, as ``intake_response_body``)."""
    return {
        "payment_id": credit.pk, "patron_id": patron_id, "external_id": external_id,
        "balance": _amount(balance), "credit": credit_body(credit),
        "debits": [debit_body(debit) for debit in debits],
        "offsets": [offset_body(offset) for offset in offsets],
    }


def debit_body(line) -> dict:
    """Koha's ``debit`` (``KohaDebitSerializer``) of a line as stored; also the sales' and
    refunds' answers (``payments.sales.responses``)."""
    return {
        "account_line_id": line.accountlines_id, "amount": _amount(line.amount),
        "amount_outstanding": _amount(line.amountoutstanding),
        "cash_register_id": line.register_id, "checkout_id": line.issue_id,
        "date": _time(line.date), "description": line.description,
        "interface": line.interface, "internal_note": line.note, "item_id": line.itemnumber,
        "library_id": line.library_id, "patron_id": line.patron_id,
        "payout_type": line.payment_type, "status": line.status,
        "timestamp": _time(line.timestamp), "type": line.debit_type_id,
        "user_id": line.manager_id,
    }


def credit_body(line) -> dict:
    """Koha's ``credit`` (``KohaCreditSerializer``)."""
    return {
        "account_line_id": line.accountlines_id, "amount": _amount(line.amount),
        "amount_outstanding": _amount(line.amountoutstanding),
        "cash_register_id": line.register_id, "credit_number": line.credit_number,
        "date": _time(line.date), "description": line.description,
        "interface": line.interface, "internal_note": line.note,
        "library_id": line.library_id, "patron_id": line.patron_id,
        "payment_type": line.payment_type, "status": line.status,
        "timestamp": _time(line.timestamp), "type": line.credit_type_id,
        "user_id": line.manager_id,
    }


def offset_body(offset) -> dict:
    return {"offset_id": offset.id, "type": offset.type, "credit_id": offset.credit_id,
            "debit_id": offset.debit_id, "amount": _amount(offset.amount)}


def _amount(value):
    return None if value is None else exact(value)


def _time(value):
    return None if value is None else timezone.localtime(value).isoformat()
