"""``POST /cash_registers/{cash_register_id}/settlements``: a kiosk or gateway reports its own
end-of-day totals for a local day; the answer compares them with the register's lines of that
day. Bearer tokens as the intake (the device that records the payments reports their totals:
Koha API keys need the intake's ``updatecharges: remaining_permissions``); within the client's
registers."""
import hashlib
import json
from decimal import Decimal

from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.money import DECIMAL_PLACES, AmountField, decimal_places, exact
from koha.identity.permissions import RECORD_PAYMENT
from payments import openapi as docs
from payments.cashups import exceptions as err
from payments.cashups.serializers import first_problem
from payments.cashups.views import REGISTER_ID, only_query, scoped_register
from payments.serializers import ClosedSerializer, StrictCharField, printable
from payments.services.idempotency import validate_idempotency_key
from payments.services.settlements import record_settlement
from payments.settlements.selectors import compare, local_today
from payments.views import path_id

MAX_TOTAL = Decimal("999999999999")


@extend_schema_field({
    "oneOf": [{"type": "number"}, {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}],
    "description": "A JSON number or decimal string, at most 6 decimal places.",
    "example": 812.4,
})
class SignedAmountField(serializers.Field):
    """A total as a JSON number or decimal string, negative when the device paid out more."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, Decimal, str)):
            raise serializers.ValidationError("Expected a number.")
        try:
            amount = Decimal(data)
        except ArithmeticError:
            raise serializers.ValidationError("Expected a number.") from None
        if not amount.is_finite() or abs(amount) > MAX_TOTAL or (
                isinstance(data, str) and not data.lstrip("-").replace(".", "", 1).isdigit()):
            raise serializers.ValidationError("Expected a number such as 812.40.")
        if decimal_places(amount) > DECIMAL_PLACES:
            raise serializers.ValidationError(f"At most {DECIMAL_PLACES} decimal places.")
        return exact(amount)

    def to_representation(self, value):
        return exact(value)


@extend_schema_serializer(component_name="SettlementTotal")
class SettlementTotalRequestSerializer(ClosedSerializer):
    payment_type = StrictCharField(min_length=1, max_length=80, validators=[printable])
    amount = SignedAmountField(help_text="Money in of this payment type, payouts deducted.")
    count = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                     max_value=2**31 - 1, help_text="Transactions, if known.")


@extend_schema_serializer(component_name="Settlement")
class SettlementRequestSerializer(ClosedSerializer):
    """Body of ``POST /cash_registers/{cash_register_id}/settlements``."""

    date = serializers.DateField(help_text="The local day (Koha's time zone) of the totals.")
    totals = SettlementTotalRequestSerializer(many=True, min_length=1, max_length=50)
    external_id = StrictCharField(required=False, allow_null=True, default=None, min_length=1,
                                  max_length=100, validators=[printable],
                                  help_text="The device's batch reference; unique per client.")


class SettlementComparedSerializer(serializers.Serializer):
    payment_type = serializers.CharField()
    reported = AmountField(max_digits=30)
    reported_count = serializers.IntegerField(allow_null=True)
    recorded = AmountField(max_digits=30, help_text="The register's lines of that day with "
                           "this payment type: money in, payouts deducted.")
    recorded_count = serializers.IntegerField()
    difference = AmountField(max_digits=30, help_text="reported − recorded.")


class SettlementResultSerializer(serializers.Serializer):
    settlement_id = serializers.IntegerField()
    cash_register_id = serializers.IntegerField()
    date = serializers.DateField()
    external_id = serializers.CharField(allow_null=True)
    received_at = serializers.DateTimeField()
    matches = serializers.BooleanField(help_text="Every reported total equals the register's.")
    compared = SettlementComparedSerializer(many=True)


def settlement_body(settlement) -> dict:
    compared = compare(settlement)
    return {
        "settlement_id": settlement.pk, "cash_register_id": settlement.register_id,
        "date": settlement.day.isoformat(), "external_id": settlement.external_id,
        "received_at": settlement.received_at.isoformat(),
        "matches": all(c.difference == 0 for c in compared),
        "compared": [{"payment_type": c.payment_type, "reported": exact(c.reported),
                      "reported_count": c.reported_count, "recorded": exact(c.recorded),
                      "recorded_count": c.recorded_count, "difference": exact(c.difference)}
                     for c in compared],
    }


class SettlementsView(APIView):
    koha_permission = RECORD_PAYMENT

    @extend_schema(
        operation_id="addSettlement", tags=["settlements"],
        summary="Report a device's end-of-day totals for a register",
        description="The totals a kiosk or card gateway counted itself for one local day, per "
                    "payment type. A later report of the same client for the same register and "
                    "day replaces this one (the earlier stays as history). The answer compares "
                    "each total with the register's lines of that day. Idempotent: the same "
                    "Idempotency-Key or external_id with the same body replays the report.",
        parameters=[REGISTER_ID, docs.IDEMPOTENCY_KEY, docs.REPLAYED],
        request=SettlementRequestSerializer,
        responses={
            201: OpenApiResponse(SettlementResultSerializer, description="Recorded (or "
                                 "the replay of an identical earlier report)."),
            400: docs.error_response("A bad body, date or total."),
            403: docs.error_response("Outside the client's registers, or a Koha key without "
                                     "updatecharges: remaining_permissions.",
                                     docs.MissingPermissionErrorSerializer),
            404: docs.error_response("No such register."),
            409: docs.error_response("The external_id was used for another report."),
            415: docs.error_response("The body is not application/json."),
            422: docs.error_response("The Idempotency-Key was used for another request."),
            **docs.COMMON_ERRORS,
        },
    )
    def post(self, request, cash_register_id):
        only_query(request)
        register = scoped_register(request, path_id(cash_register_id, "cash_register_id"))
        key = validate_idempotency_key(request.headers.get("Idempotency-Key"))
        data = _validated(request.data)
        result = record_settlement(client=request.user.client, register_id=register.pk,
                                   idempotency_key=key, request_hash=_hash(register.pk, data),
                                   **data)
        headers = {"Idempotent-Replayed": "true"} if result.replayed else {}
        return Response(settlement_body(result.settlement), status=201, headers=headers)


def _validated(body) -> dict:
    serializer = SettlementRequestSerializer(data=body)
    if not serializer.is_valid():
        raise first_problem(serializer.errors, amount_code="invalid_amount")
    data = serializer.validated_data
    if data["date"] > local_today():
        raise err.CashupError("date is in the future: a settlement is for a past day or "
                              "today (Koha's time zone).", code="invalid_date",
                              errors=[{"message": "In the future.", "path": "/body/date"}])
    totals, seen = [], set()
    for entry in data["totals"]:
        if entry["payment_type"] in seen:
            raise err.DuplicateCount(f"{entry['payment_type']} is reported twice.")
        seen.add(entry["payment_type"])
        totals.append((entry["payment_type"], entry["amount"], entry.get("count")))
    return {"day": data["date"], "totals": totals, "external_id": data["external_id"]}


def _hash(register_id: int, data: dict) -> str:
    canonical = {"register_id": register_id, "day": data["day"].isoformat(),
                 "external_id": data["external_id"],
                 "totals": [[code, str(amount), count] for code, amount, count in data["totals"]]}
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()
