"""Request shapes of the payment API and how their problems become Koha-shaped errors.
Responses are in ``payments.responses``. Never a write."""
from collections.abc import Mapping

from django.conf import settings
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from core.money import DECIMAL_STRING, exact, parse_amount
from payments import exceptions as err

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


class ClosedSerializer(serializers.Serializer):
    """A request body of the documented properties only: any other is refused."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = [name for name in data if name not in self.fields]
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown property."] for name in unknown})
        return super().to_internal_value(data)


class PaymentRequestSerializer(ClosedSerializer):
    """What both bodies of ``POST /patrons/{patron_id}/account/payments`` share: the money
    taken, how, where, and the client's own reference."""

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
    external_id = StrictCharField(
        required=False, allow_null=True, default=None, min_length=1, max_length=100,
        validators=[printable],
        help_text="The kiosk's or gateway's own transaction reference; unique per client.",
    )


@extend_schema_serializer(component_name="PaymentIntake")  # → PaymentIntakeRequest
class PaymentIntakeRequestSerializer(PaymentRequestSerializer):
    """Body of ``POST /patrons/{patron_id}/account/payments`` that charges and pays a new debit
    (it names a ``debit_type``); unknown properties are refused."""

    debit_type = StrictCharField(
        max_length=80, help_text="Code of account_debit_types, e.g. PRINT."
    )
    description = StrictCharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX,
        help_text="Text of the debit line (Koha's add_debit description).",
    )
    note = StrictCharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX,
        help_text="Internal note, written to both lines.",
    )


MAX_ACCOUNT_LINES = 100


@extend_schema_field({
    "type": "array", "minItems": 1, "maxItems": MAX_ACCOUNT_LINES, "uniqueItems": True,
    "items": {"type": "integer", "minimum": 1, "maximum": INT_MAX},
    "description": "Koha's account_lines_ids: the patron's debits to pay first, in this order "
                   "(each must be the patron's, a debit, and still owed). Whatever the amount "
                   "leaves goes to their other outstanding debits, oldest first, as Koha's pay "
                   "does. Leave it out to pay the oldest debts first.",
    "example": [118, 131],
})
class AccountLinesIdsField(serializers.Field):
    """1 to 100 distinct account line ids, as JSON integers, in the order given."""

    def to_internal_value(self, data):
        if not isinstance(data, list):
            raise serializers.ValidationError("Must be a JSON array of account line ids.")
        if not data:
            raise serializers.ValidationError(
                "Must name at least one account line (leave it out to pay the oldest debts).")
        if len(data) > MAX_ACCOUNT_LINES:
            raise serializers.ValidationError(
                f"May name at most {MAX_ACCOUNT_LINES} account lines.")
        if any(isinstance(i, bool) or not isinstance(i, int) or not 1 <= i <= INT_MAX
               for i in data):
            raise serializers.ValidationError("Must hold account line ids: positive integers.")
        repeated = next((i for n, i in enumerate(data) if i in data[:n]), None)
        if repeated is not None:
            raise serializers.ValidationError(f"Names account line {repeated} more than once.")
        return data

    def to_representation(self, value):
        return value


@extend_schema_serializer(component_name="PaymentOfDebits")  # → PaymentOfDebitsRequest
class PaymentOfDebitsRequestSerializer(PaymentRequestSerializer):
    """Body of ``POST /patrons/{patron_id}/account/payments`` that pays debits the patron
    already owes (it names no ``debit_type``): Koha's ``pay``. Unknown properties are refused."""

    account_lines_ids = AccountLinesIdsField(required=False, default=None)
    description = StrictCharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX,
        help_text="Text of the PAYMENT credit (Koha's pay description).",
    )
    note = StrictCharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX,
        help_text="Internal note of the PAYMENT credit.",
    )


CHARGE, PAY = "charge", "pay"


def validated_payment(data) -> tuple[str, dict]:
    """The kind of a request body — ``charge`` (it names a ``debit_type``) or ``pay`` (it does
    not) — and its serializer's ``validated_data``, or the ``PaymentError`` of its first
    problem. Naming both ``debit_type`` and ``account_lines_ids`` is ``ambiguous_payment``."""
    if isinstance(data, Mapping) and "debit_type" in data and "account_lines_ids" in data:
        raise err.AmbiguousPayment(errors=[
            {"message": "Not with account_lines_ids.", "path": "/body/debit_type"},
            {"message": "Not with debit_type.", "path": "/body/account_lines_ids"}])
    if isinstance(data, Mapping) and "debit_type" not in data:
        return PAY, _validated(PaymentOfDebitsRequestSerializer(data=data))
    return CHARGE, _validated(PaymentIntakeRequestSerializer(data=data))


def validated_intake(data) -> dict:
    """``PaymentIntakeRequestSerializer``'s ``validated_data`` for a request body, or the
    ``PaymentError`` of its first problem."""
    return _validated(PaymentIntakeRequestSerializer(data=data))


def _validated(serializer: serializers.Serializer) -> dict:
    if not serializer.is_valid():
        raise_request_errors(serializer.errors, list(serializer.fields))
    return serializer.validated_data


def raise_request_errors(errors: dict, order: list[str]) -> None:
    """Turn a serializer's errors into the one ``PaymentError`` of the first problem (in field
    order), listing every problem as Koha's ``[{message, path}]``."""
    listed = [
        {"message": str(message),
         "path": "/body" if name == "non_field_errors" else f"/body/{name}"}
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

    def to_internal_value(self, data):
        # DRF reads an empty query value of an optional field as "absent": ?external_id= would
        # list every payment instead of being refused (found by schemathesis).
        if data.get("external_id") == "":
            raise serializers.ValidationError({"external_id": ["This field may not be blank."]})
        return super().to_internal_value(data)


def asked_external_id(query_params) -> str | None:
    """The ``?external_id=`` of a list of a client's own records (payments, sales), checked;
    None when not asked. A bad value raises the request's 400."""
    query = PaymentListQuerySerializer(data=query_params)
    if not query.is_valid():
        raise_request_errors(query.errors, list(query.fields))
    return query.validated_data.get("external_id")
