"""The register page's figures as JSON for tools:
``GET /api/v1/cash_registers/{cash_register_id}/daily_totals?from=&to=``.

Authenticated as a dashboard user — the dashboard's session (Koha staff or kohapay users) or HTTP
Basic (kohapay users) — never with the kiosk OAuth tokens (those act for API clients, which may
record payments but not read the books).
Same permission, library restriction and figures as the pages (``registers.selectors``).
"""
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

from core import staff_login
from core.money import AmountField
from koha.fields import MONEY
from registers.access import can_view_dashboard
from registers.formatting import plain_amount
from registers.forms import REGISTER_DEFAULT_DAYS
from registers.lookups import payment_type_label
from registers.pages import register_days
from registers.selectors import MAX_DAYS, koha_zone, requested_days

REALM = 'Basic realm="kohapay dashboard"'


class StaffLoginRequired(exceptions.APIException):
    status_code = 401
    default_code = "unauthenticated"
    default_detail = (
        "Authentication is required: send the dashboard's session cookie (Koha staff or kohapay "
        "users) or HTTP Basic credentials of a kohapay finance or auditor user."
    )
    auth_header = REALM


class InvalidCredentials(exceptions.APIException):
    status_code = 401
    default_code = "invalid_credentials"
    default_detail = "The username or password is not valid, or the account is inactive."
    auth_header = REALM


class QueryValidationError(exceptions.ValidationError):
    path_prefix = "/query"  # Koha's error paths: the problem is in the query string


class DashboardBasicAuthentication(BasicAuthentication):
    """HTTP Basic with kohapay's own dashboard users, answering in kohapay's error vocabulary.
    Koha staff use their dashboard session: their password is tried only on the login page,
    under its rate limit (``core.backends``)."""

    www_authenticate_realm = "kohapay dashboard"

    def authenticate(self, request):
        try:
            found = super().authenticate(request)
        except exceptions.AuthenticationFailed as exc:
            raise InvalidCredentials() from exc
        if found is not None and staff_login.is_linked(found[0]):
            raise InvalidCredentials()  # a Koha patron's Django user given a password in the admin
        return found


class DashboardBasicScheme(OpenApiAuthenticationExtension):
    """How drf-spectacular documents the dashboard's HTTP Basic authentication."""

    target_class = "registers.api.DashboardBasicAuthentication"
    name = "dashboardBasicAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "basic",
                "description": "A kohapay finance or auditor user of the dashboard (Koha "
                               "staff use the dashboard's session)."}


class CanViewDashboard(permissions.BasePermission):
    message = ("This account may not read register figures (Koha staff need catalogue and "
               "cash_management; kohapay users the Finance staff or Auditors group).")

    def has_permission(self, request, view):
        return can_view_dashboard(request.user)


def rename_from(fields: dict) -> dict:
    return {("from" if name == "from_" else name): field for name, field in fields.items()}


# --- OpenAPI shapes (module level, uniquely named: drf-spectacular names components by class) --


class MoneyField(AmountField):
    """A total as an exact JSON number with at least two decimals (2.50, never 2.4999): sums of
    money columns, so two more digits than one column holds."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=MONEY["max_digits"] + 2, **kwargs)

    def to_representation(self, value):
        return plain_amount(value)


class DailyTotalsQuerySerializer(serializers.Serializer):
    from_ = serializers.DateField(required=False)
    to = serializers.DateField(required=False)

    def get_fields(self):  # "from" is a Python keyword: declared as from_, renamed in place
        return rename_from(super().get_fields())

    def to_internal_value(self, data):
        # DRF reads an empty query value of an optional field as "absent": ?from=&to= would get
        # the default range instead of a 400 (found by schemathesis).
        blank = {name: ["Expected a date (yyyy-mm-dd)."] for name in ("from", "to")
                 if data.get(name) == ""}
        if blank:
            raise serializers.ValidationError(blank)
        return super().to_internal_value(data)

    def validate(self, attrs):
        try:
            attrs["days"] = requested_days(attrs.get("from"), attrs.get("to"),
                                           default_days=REGISTER_DEFAULT_DAYS)
        except ValueError as exc:
            raise serializers.ValidationError({"from": [str(exc)]}) from exc
        return attrs


class PaymentTypeTotalSerializer(serializers.Serializer):
    payment_type = serializers.CharField(
        allow_null=True, help_text="PAYMENT_TYPE code; null for lines without one"
    )
    label = serializers.CharField()
    total = MoneyField(help_text="Money in with this payment type (payouts count negative)")


class DayFiguresSerializer(serializers.Serializer):
    income = MoneyField(help_text="−SUM(amount) of the register's credits")
    payouts = MoneyField(help_text="SUM(amount) of the register's debits")
    net = MoneyField(help_text="income − payouts")
    count = serializers.IntegerField(help_text="Number of lines")
    by_payment_type = PaymentTypeTotalSerializer(many=True)


class DeviceTotalSerializer(serializers.Serializer):
    payment_type = serializers.CharField()
    reported = MoneyField(help_text="The device's own total (money in, payouts deducted)")
    reported_count = serializers.IntegerField(allow_null=True)
    recorded = MoneyField(help_text="The register's lines of the day with this payment type")
    recorded_count = serializers.IntegerField()
    difference = MoneyField(help_text="reported − recorded")


class DeviceDaySerializer(serializers.Serializer):
    settlement_id = serializers.IntegerField()
    source = serializers.CharField(help_text="The API client that reported it")
    external_id = serializers.CharField(allow_null=True)
    received_at = serializers.DateTimeField()
    matches = serializers.BooleanField()
    totals = DeviceTotalSerializer(many=True)


class DailyTotalsDaySerializer(DayFiguresSerializer):
    date = serializers.DateField(help_text="Local day in the Koha time zone")
    settlements = DeviceDaySerializer(
        many=True, help_text="Devices' own totals of the day (POST …/settlements), each "
                             "source's latest, against the register's lines")


class DailyTotalsResponseSerializer(serializers.Serializer):
    cash_register_id = serializers.IntegerField()
    name = serializers.CharField()
    library_id = serializers.CharField()
    archived = serializers.BooleanField()
    time_zone = serializers.CharField(help_text="IANA zone whose local days these are")
    from_ = serializers.DateField()
    to = serializers.DateField()
    days = DailyTotalsDaySerializer(many=True)
    total = DayFiguresSerializer()

    def get_fields(self):  # "from" is a Python keyword: declared as from_, renamed in place
        return rename_from(super().get_fields())


class DashboardFieldErrorSerializer(serializers.Serializer):
    message = serializers.CharField()
    path = serializers.CharField(help_text="e.g. /query/from")


class DashboardErrorSerializer(serializers.Serializer):
    """Koha's error shape."""

    error = serializers.CharField()
    error_code = serializers.CharField()
    errors = DashboardFieldErrorSerializer(many=True, required=False)


def error_responses(description: str) -> OpenApiResponse:
    return OpenApiResponse(DashboardErrorSerializer, description=description)


# --- the view ---------------------------------------------------------------------------------


class DashboardAPIView(APIView):
    """An API view for dashboard users (the session or HTTP Basic), with the dashboard's
    permission; anonymous callers get 401 ``unauthenticated``, never a 403."""

    authentication_classes = [DashboardBasicAuthentication, SessionAuthentication]
    permission_classes = [CanViewDashboard]

    def permission_denied(self, request, message=None, code=None):
        if not (request.user and request.user.is_authenticated):
            raise StaffLoginRequired()
        super().permission_denied(request, message=message, code=code)


class DailyTotalsView(DashboardAPIView):

    @extend_schema(
        operation_id="getCashRegisterDailyTotals",
        summary="Per-day totals of one cash register",
        description=(
            "One entry per local day (Koha's time zone) from `from` to `to` inclusive — days "
            f"without lines included — at most {MAX_DAYS} days; default: the last "
            f"{REGISTER_DEFAULT_DAYS} days. Same figures as the dashboard's register page."
        ),
        tags=["cash registers"],
        parameters=[
            OpenApiParameter("cash_register_id", OpenApiTypes.INT, OpenApiParameter.PATH),
            OpenApiParameter("from", OpenApiTypes.DATE, description="First local day (yyyy-mm-dd)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last local day (yyyy-mm-dd)"),
            OpenApiParameter("Retry-After", OpenApiTypes.INT, OpenApiParameter.HEADER,
                             response=[429, 503], description="Seconds to wait before retrying."),
        ],
        responses={
            200: DailyTotalsResponseSerializer,
            400: error_responses("Invalid dates or range"),
            401: error_responses("Not authenticated"),
            403: error_responses("Not allowed to read register figures"),
            404: error_responses("No such register, or not one of the user's libraries"),
            429: error_responses("Too many requests from this user (KOHAPAY_API_RATE); see Retry-After"),
            503: error_responses("The database is unavailable; retry after Retry-After seconds"),
        },
    )
    def get(self, request, cash_register_id: int):
        query = DailyTotalsQuerySerializer(data=request.query_params)
        if not query.is_valid():
            raise QueryValidationError(query.errors)
        found = register_days(request.user, cash_register_id, query.validated_data["days"])
        register, labels = found.register, found.labels
        devices = {}
        for device_day in found.device_days:
            devices.setdefault(device_day.day, []).append(device_day)
        body = {
            "cash_register_id": register.id, "name": register.name,
            "library_id": register.library_id, "archived": register.archived,
            "time_zone": koha_zone().key, "from": found.days.first, "to": found.days.last,
            "days": [{"date": d.day, **_figures(d.totals, labels),
                      "settlements": [_device(x) for x in devices.get(d.day, [])]}
                     for d in found.daily],
            "total": _figures(found.total, labels),
        }
        return Response(DailyTotalsResponseSerializer(body).data)


def _device(device_day) -> dict:
    return {
        "settlement_id": device_day.settlement_id, "source": device_day.source,
        "external_id": device_day.external_id, "received_at": device_day.received_at,
        "matches": device_day.matches,
        "totals": [{"payment_type": t.payment_type, "reported": t.reported,
                    "reported_count": t.reported_count, "recorded": t.recorded,
                    "recorded_count": t.recorded_count, "difference": t.difference}
                   for t in device_day.types],
    }


def _figures(totals, labels: dict[str, str]) -> dict:
    return {
        "income": totals.income, "payouts": totals.payouts, "net": totals.net,
        "count": totals.count,
        "by_payment_type": [
            {"payment_type": code, "label": payment_type_label(labels, code), "total": amount}
            for code, amount in totals.by_payment_type
        ],
    }
