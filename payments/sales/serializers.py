"""Request shapes of the sales and refunds routes, and how their problems become Koha-shaped
errors (the first problem decides the ``error_code``; ``errors`` lists them all, with their JSON
pointer: ``/body/items/3/price``). Never a write."""
from decimal import Decimal

from django.conf import settings
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from core.errors import field_errors
from core.money import DECIMAL_STRING, exact, parse_amount
from payments import exceptions as err
from payments.serializers import (
    TEXT_MAX,
    AmountField,
    ClosedSerializer,
    StrictCharField,
    StrictIdField,
    printable,
    raise_request_errors,
)

MAX_ITEMS = 100
MAX_QUANTITY = 9999
UNKNOWN = "Unknown property."


@extend_schema_field({
    "oneOf": [
        {"type": "number", "exclusiveMinimum": True, "minimum": 0},
        {"type": "string", "pattern": f"^{DECIMAL_STRING.pattern}$"},
    ],
    "description": "The price of one: a JSON number or a decimal string (\"0.20\", never "
                   "\"0,20\"), > 0, at most 6 decimal places, at most KOHAPAY_MAX_AMOUNT (here "
                   f"{exact(settings.KOHAPAY_MAX_AMOUNT)}). Parsed exactly, never as a float.",
    "example": 0.2,
})
class PriceField(serializers.Field):
    def to_internal_value(self, data):
        try:
            return parse_amount(data, "price")
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def to_representation(self, value):
        return exact(value)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_QUANTITY, "example": 12,
                      "description": "How many: a whole number, 1 to 9999 (a JSON integer). "
                                     "Koha writes it as the debit's note."})
class QuantityField(serializers.Field):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            raise serializers.ValidationError("quantity must be a whole number (a JSON integer).")
        if not 1 <= data <= MAX_QUANTITY:
            raise serializers.ValidationError(f"quantity must be 1 to {MAX_QUANTITY}.")
        return data

    def to_representation(self, value):
        return value


@extend_schema_serializer(component_name="SaleItem")  # → SaleItemRequest
class SaleItemRequestSerializer(ClosedSerializer):
    """One line of a sale: Koha's ``add_item({code, price, quantity})``."""

    debit_type = StrictCharField(
        max_length=80, help_text="Code of a debit type Koha may sell (can_be_sold, not archived, "
                                 "available at the register's library), e.g. PRINT.")
    price = PriceField()
    quantity = QuantityField()


@extend_schema_serializer(component_name="Sale")  # → SaleRequest
class SaleRequestSerializer(ClosedSerializer):
    """Body of ``POST /cash_registers/{cash_register_id}/sales``: what
    ``Koha::Charges::Sales::purchase`` takes. Unknown properties are refused."""

    payment_type = StrictCharField(
        max_length=80, help_text="A PAYMENT_TYPE authorised value available at the register's "
                                 "library, e.g. CASH.")
    items = SaleItemRequestSerializer(
        many=True, allow_empty=False, min_length=1, max_length=MAX_ITEMS,
        help_text=f"1 to {MAX_ITEMS} items, written in this order: a debit each.")
    external_id = StrictCharField(
        required=False, allow_null=True, default=None, min_length=1, max_length=100,
        validators=[printable],
        help_text="The kiosk's own transaction reference; unique per client across payments "
                  "and sales.")


def validated_sale(data) -> dict:
    """The validated body of a sale (``items`` as dicts of ``debit_type``, ``price`` — an exact
    Decimal — and ``quantity``), or the ``PaymentError`` of its first problem."""
    serializer = SaleRequestSerializer(data=data)
    if not serializer.is_valid():
        raise_nested_errors(serializer.errors, list(serializer.fields))
    sale = serializer.validated_data
    sale["items"] = [dict(item) for item in sale["items"]]
    total = sum((item["price"] * item["quantity"] for item in sale["items"]), Decimal(0))
    if total > settings.KOHAPAY_MAX_AMOUNT:
        raise err.TotalTooLarge(
            f"The sale's total, {exact(total)}, is more than KOHAPAY_MAX_AMOUNT "
            f"({exact(settings.KOHAPAY_MAX_AMOUNT)}).",
            errors=[{"message": "The total is too large.", "path": "/body/items"}])
    return sale


def raise_nested_errors(errors: dict, order: list[str]) -> None:
    """A serializer's (possibly nested) errors as the one ``PaymentError`` of the first problem
    in field order: ``unknown_property`` when any property is unknown, ``invalid_<field>``
    otherwise (``invalid_items`` for anything inside an item), the body not an object
    ``invalid_request``."""
    listed = field_errors(errors)
    if any(problem["message"] == UNKNOWN for problem in listed):
        unknown = [p["path"].removeprefix("/body/") for p in listed if p["message"] == UNKNOWN]
        raise err.UnknownProperty(
            f"Unknown propert{'ies' if len(unknown) > 1 else 'y'}: {', '.join(unknown)}.",
            errors=listed)
    first = next((name for name in order if name in errors), "non_field_errors")
    problem = next(p for p in listed if p["path"] == f"/body/{first}"
                   or p["path"].startswith(f"/body/{first}/") or first == "non_field_errors")
    message = _sentence(problem["message"])
    where = problem["path"].removeprefix("/body/").replace("/", ".")
    if first == "non_field_errors":
        raise err.RequestRejected(f"The body must be a JSON object: {message}", errors=listed)
    if first == "external_id":
        raise err.InvalidExternalId(f"external_id: {message}", errors=listed)
    if first == "amount":
        raise err.InvalidAmount(message, errors=listed)
    raise err.InvalidField(f"{where}: {message}", code=f"invalid_{first}", errors=listed)


def _sentence(text: str) -> str:
    text = str(text).strip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


@extend_schema_field({
    "oneOf": [
        {"type": "number", "exclusiveMinimum": True, "minimum": 0},
        {"type": "string", "pattern": f"^{DECIMAL_STRING.pattern}$"},
    ],
    "description": "The money to give back: a JSON number or a decimal string, > 0, at most 6 "
                   "decimal places, at most what is still refundable. Leave it out to refund "
                   "everything still refundable.",
    "example": 2.5,
})
class RefundAmountField(AmountField):
    pass


@extend_schema_serializer(component_name="Refund")  # → RefundRequest
class RefundRequestSerializer(ClosedSerializer):
    """Body of a refund (of a patron's payment or of a sale): what Koha's staff page asks before
    ``reduce`` and ``payout``. Unknown properties are refused."""

    amount = RefundAmountField(required=False, default=None)
    payout_type = StrictCharField(
        max_length=80, help_text="How the money is given back: a PAYMENT_TYPE authorised value "
                                 "available at the register's library, e.g. CASH.")
    cash_register_id = StrictIdField(
        required=False, allow_null=True, default=None,
        help_text="The register the money leaves from; default: the payment's (or the sale's).")
    reason = StrictCharField(
        required=False, allow_null=True, default=None, max_length=TEXT_MAX,
        help_text="Why (e.g. printer jam): the note of the refund credit and of the payout, as "
                  "Koha's refund note.")


def validated_refund(data) -> dict:
    """The validated body of a refund, or the ``PaymentError`` of its first problem."""
    serializer = RefundRequestSerializer(data=data)
    if not serializer.is_valid():
        raise_request_errors(serializer.errors, list(serializer.fields))
    return dict(serializer.validated_data)
