"""Request and response shapes of the cashup API (``payments.cashups.views``); never a write.

Responses are Koha's ``definitions/cashup.yaml`` (``cashup_id``, ``cash_register_id``,
``manager_id``, ``amount``, ``timestamp``; ``manager`` and ``summary`` when embedded) plus
kohapay's ``reconciliation``. The bodies are built by ``payments.cashups.summary``; these classes
describe them for the OpenAPI schema and check requests.
"""
from decimal import Decimal

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from core.errors import field_errors
from core.money import DECIMAL_PLACES, DECIMAL_STRING, AmountField, decimal_places, exact
from payments.cashups import exceptions as err
from payments.serializers import ClosedSerializer, StrictCharField

MAX_COUNT = Decimal("999999999999")  # far above any till, far below decimal(28,6)
NOTE_MAX = 2000  # Koha keeps the first 1000 characters; longer is surely a mistake


def parse_count(value) -> Decimal:
    """A counted amount: a JSON number or decimal string, ≥ 0, at most 6 decimal places."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)):
        raise ValueError("amount must be a JSON number or a decimal string such as \"412.50\".")
    if isinstance(value, str):
        if not DECIMAL_STRING.fullmatch(value):
            raise ValueError("amount must be digits with an optional decimal point.")
        value = Decimal(value)
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise ValueError("amount must be a number of at least 0.")
    if amount > MAX_COUNT:
        raise ValueError(f"amount must be at most {MAX_COUNT}.")
    if decimal_places(amount) > DECIMAL_PLACES:
        raise ValueError(f"amount may have at most {DECIMAL_PLACES} decimal places.")
    return exact(amount)


@extend_schema_field({
    "oneOf": [{"type": "number", "minimum": 0},
              {"type": "string", "pattern": f"^{DECIMAL_STRING.pattern}$"}],
    "description": "What was counted: a JSON number or decimal string, ≥ 0, at most 6 decimal "
                   "places. Parsed exactly, never as a float.",
    "example": 412.5,
})
class CountField(serializers.Field):
    def to_internal_value(self, data):
        try:
            return parse_count(data)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def to_representation(self, value):
        return exact(value)


class CountedAmountSerializer(ClosedSerializer):
    payment_type = StrictCharField(max_length=80, help_text="A payment type of "
                                   "CashupPaymentTypes (default CASH, SIP00).")
    amount = CountField()


@extend_schema_serializer(component_name="Cashup")  # → CashupRequest
class CashupRequestSerializer(ClosedSerializer):
    """Body of ``POST /cash_registers/{cash_register_id}/cashups``; unknown properties are
    refused."""

    counted = CountedAmountSerializer(
        many=True, required=False, default=list, max_length=50,
        help_text="What was counted in the till, per payment type. A counted payment type left "
                  "out counts 0; omit the list only when the till holds nothing to count.")
    note = StrictCharField(
        required=False, allow_null=True, allow_blank=True, default=None, max_length=NOTE_MAX,
        help_text="Why the count differs (Koha keeps 1000 characters, trimmed); required for a "
                  "difference when CashupReconciliationNoteRequired is on.")


def validated_cashup(data) -> dict:
    """The body as ``{"counted": {payment type: Decimal}, "note": …}``, or a 400."""
    serializer = CashupRequestSerializer(data=data)
    if not serializer.is_valid():
        raise first_problem(serializer.errors)
    counted = {}
    for entry in serializer.validated_data["counted"]:
        if entry["payment_type"] in counted:
            raise err.DuplicateCount(f"{entry['payment_type']} is counted twice.")
        counted[entry["payment_type"]] = entry["amount"]
    return {"counted": counted, "note": serializer.validated_data["note"]}


def first_problem(errors, amount_code: str = err.InvalidCount.default_code) -> err.CashupError:
    """The first problem of a body as a Koha-shaped error, every problem in ``errors``."""
    listed = field_errors(errors)
    first = listed[0]
    if first["path"].endswith("/amount"):
        return err.CashupError(f"{first['path'][len('/body/'):]}: {first['message']}",
                               code=amount_code, errors=listed)
    if first["message"] == "Unknown property.":
        return err.CashupError(f"Unknown property: {first['path'][len('/body/'):]}.",
                               code="unknown_property", errors=listed)
    message = first["message"].rstrip(".")
    return err.CashupError(f"{first['path'][len('/body/'):] or 'body'}: {message}.",
                           code="invalid_request", errors=listed)


# --- responses (for the OpenAPI description) ----------------------------------------------------
class CashupCountSerializer(serializers.Serializer):
    payment_type = serializers.CharField()
    expected = AmountField(help_text="Money in of this type in the session, payouts deducted "
                                     "(−SUM(amount) of its lines, as Koha computes it).")
    counted = AmountField()
    difference = AmountField(help_text="counted − expected: positive is a surplus.")
    account_line_id = serializers.IntegerField(
        allow_null=True, help_text="Koha's CASHUP_SURPLUS/CASHUP_DEFICIT line for it (Koha "
                                   "with reconciliation only).")


class CashupReconciliationSerializer(serializers.Serializer):
    flavour = serializers.ChoiceField(choices=["classic", "reconciling"])
    session_start = serializers.DateTimeField(allow_null=True, help_text="The session is the "
                                              "lines dated after this (none: since ever)…")
    session_end = serializers.DateTimeField(help_text="…up to this instant.")
    counted = CashupCountSerializer(many=True)
    total_expected = AmountField(max_digits=30)
    total_counted = AmountField(max_digits=30)
    total_difference = AmountField(max_digits=30)
    note = serializers.CharField(allow_null=True)
    start_cashup_id = serializers.IntegerField(allow_null=True, help_text="The CASHUP_START "
                                               "this cashup completed (two-phase).")


class CashupManagerSerializer(serializers.Serializer):
    patron_id = serializers.IntegerField()
    firstname = serializers.CharField(allow_null=True)
    surname = serializers.CharField(allow_null=True)
    cardnumber = serializers.CharField(allow_null=True)
    library_id = serializers.CharField(allow_null=True)


class CashupResultSerializer(serializers.Serializer):
    """Koha's ``cashup`` plus kohapay's ``reconciliation``."""

    cashup_id = serializers.IntegerField()
    cash_register_id = serializers.IntegerField()
    manager_id = serializers.IntegerField()
    amount = AmountField(allow_null=True, help_text="As Koha stores it: the signed session "
                         "total (negative for takings) in classic Koha, the counted total with "
                         "reconciliation.")
    timestamp = serializers.DateTimeField()
    manager = CashupManagerSerializer(required=False, allow_null=True,
                                      help_text="With x-koha-embed: manager.")
    summary = serializers.JSONField(required=False, help_text="With x-koha-embed: summary — "
                                    "Koha's Cashup::summary (from_date, to_date, "
                                    "income_grouped, income_total, payout_grouped, "
                                    "payout_total, total, total_grouped).")
    reconciliation = CashupReconciliationSerializer(
        allow_null=True, help_text="What kohapay recorded with the cashup; null for cashups "
                                   "recorded elsewhere (Koha's own pages).")
