"""Request and response shapes of the payment API — never a write.

The response serializers render Koha rows exactly as Koha's own REST API names them (spec §5.2
``definitions/debit.yaml``, §5.3 ``definitions/credit.yaml``), so a client that parses Koha's
debits and credits parses these unchanged. They are also what the OpenAPI schema is built from.
"""
from collections.abc import Mapping

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from payments import exceptions as err
from payments.money import DECIMAL_STRING, exact, parse_amount

INT_MAX = 2**31 - 1  # Koha's ids are int(11)
TEXT_MAX = 2000  # generous for a kiosk's description or note; Koha's columns are longtext


# --- request -----------------------------------------------------------------------------------
@extend_schema_field({
    "oneOf": [
        {"type": "number", "exclusiveMinimum": True, "minimum": 0},
        {"type": "string", "pattern": f"^{DECIMAL_STRING.pattern}$"},
    ],
    "description": "The sum paid: a JSON number or a decimal string, > 0, at most 6 decimal "
                   "places, at most KOHAPAY_MAX_AMOUNT (here "
                   f"{exact(settings.KOHAPAY_MAX_AMOUNT)}). Parsed exactly, never as a float.",
    "example": 2.5,
})
class AmountField(serializers.Field):
    def to_internal_value(self, data):
        try:
            return parse_amount(data)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def to_representation(self, value):
        return exact(value)


class StrictCharField(serializers.CharField):
    """A JSON string, nothing else (DRF's CharField would turn 5 into "5"); kept verbatim."""

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIdField(serializers.IntegerField):
    """A JSON integer id (not a string, boolean or fraction), 1 … 2^31−1."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=INT_MAX, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


def printable(value: str) -> None:
    if not value.isprintable():
        raise serializers.ValidationError("Only printable characters are allowed.")


@extend_schema_serializer(component_name="PaymentIntake")  # → PaymentIntakeRequest
class PaymentIntakeRequestSerializer(serializers.Serializer):
    """Body of ``POST /patrons/{patron_id}/account/payments``; unknown properties are refused."""

    debit_type = StrictCharField(max_length=80, help_text="Code of account_debit_types, e.g. PRINT.")
    amount = AmountField()
    payment_type = StrictCharField(
        max_length=80, help_text="A PAYMENT_TYPE authorised value, e.g. CASH."
    )
    register_id = StrictIdField(
        required=False, allow_null=True, default=None,
        help_text="cash_registers.id; required for CASH/SIP00 when UseCashRegisters is on.",
    )
    library_id = StrictCharField(
        required=False, allow_null=True, default=None, max_length=10,
        help_text="Branchcode; default the register's library, else the client's only one.",
    )
    description = StrictCharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX,
        help_text="Text of the debit line (Koha's add_debit description).",
    )
    note = StrictCharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX,
        help_text="Internal note, written to both lines.",
    )
    external_id = StrictCharField(
        required=False, allow_null=True, default=None, min_length=1, max_length=100,
        validators=[printable],
        help_text="The kiosk's or gateway's own transaction reference; unique per client.",
    )

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = [name for name in data if name not in self.fields]
            if unknown:
                raise serializers.ValidationError({name: ["Unknown property."] for name in unknown})
        return super().to_internal_value(data)


def raise_request_errors(errors: dict, order: list[str]) -> None:
    """Turn a serializer's errors into the one ``PaymentError`` of the first problem (in field
    order), listing every problem as Koha's ``[{message, path}]``."""
    listed = [
        {"message": str(message), "path": "/body" if name == "non_field_errors" else f"/body/{name}"}
        for name, messages in errors.items()
        for message in (messages if isinstance(messages, list) else [messages])
    ]
    unknown = [name for name in errors if name not in order and name != "non_field_errors"]
    if unknown:
        raise err.UnknownProperty(
            f"Unknown propert{'ies' if len(unknown) > 1 else 'y'}: {', '.join(unknown)}.",
            errors=listed,
        )
    first = next((name for name in order if name in errors), "non_field_errors")
    message = _first(errors.get(first) or listed[0]["message"])
    if first == "amount":
        raise err.InvalidAmount(message, errors=listed)
    if first == "external_id":
        raise err.InvalidExternalId(f"external_id: {message}", errors=listed)
    if first == "non_field_errors":
        raise err.RequestRejected(f"The body must be a JSON object: {message}", errors=listed)
    raise err.InvalidField(f"{first}: {message}", code=f"invalid_{first}", errors=listed)


def _first(messages) -> str:
    text = str(messages[0] if isinstance(messages, list) else messages).strip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


class PaymentListQuerySerializer(serializers.Serializer):
    external_id = StrictCharField(
        required=False, min_length=1, max_length=100, validators=[printable],
        help_text="Only the intake with this reference (the way to ask whether a timed-out "
                  "request landed).",
    )


# --- response ----------------------------------------------------------------------------------
class KohaAmountField(serializers.DecimalField):
    """A money column as an exact JSON number in its shortest form (2.5, 10000)."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=28, decimal_places=6, coerce_to_string=False, **kwargs)

    def to_representation(self, value):
        return exact(value)


class KohaDateTimeField(serializers.DateTimeField):
    """ISO 8601 with the offset of Koha's time zone (``+00:00``, never ``Z``), as Koha prints."""

    def to_representation(self, value):
        return timezone.localtime(value).isoformat() if value is not None else None


class KohaDebitSerializer(serializers.Serializer):
    """Koha's ``debit`` definition, property for property."""

    account_line_id = serializers.IntegerField(source="accountlines_id")
    amount = KohaAmountField()
    amount_outstanding = KohaAmountField(source="amountoutstanding")
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
    amount = KohaAmountField()
    amount_outstanding = KohaAmountField(source="amountoutstanding")
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
    amount = KohaAmountField()


class PaymentIntakeResultSerializer(serializers.Serializer):
    """The answer to an intake (and to every later read or replay of it)."""

    payment_id = serializers.IntegerField(help_text="The PAYMENT credit's account_line_id.")
    patron_id = serializers.IntegerField()
    external_id = serializers.CharField(allow_null=True)
    balance = KohaAmountField(help_text="The patron's balance after the intake, as Koha computes "
                                        "it (positive: the patron owes).")
    debit = KohaDebitSerializer()
    credit = KohaCreditSerializer()
    offsets = AccountOffsetResultSerializer(many=True)


def intake_response_body(*, patron_id, external_id, balance, debit, credit, offsets) -> dict:
    """The 201 body of an intake, from the rows as stored."""
    data = PaymentIntakeResultSerializer({
        "payment_id": credit.pk, "patron_id": patron_id, "external_id": external_id,
        "balance": balance, "debit": debit, "credit": credit, "offsets": offsets,
    }).data
    return _plain(data)


def _plain(value):
    """DRF's ReturnDict/OrderedDict → plain dicts and lists (what JSONField stores back)."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
