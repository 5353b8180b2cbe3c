"""The OpenAPI description of the payment API: security scheme, error shapes, headers and
examples. Kept apart from the views so that they stay a few lines each."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema_serializer,
)
from rest_framework import serializers

from core.errors import DATABASE_UNAVAILABLE, KohaError
from koha.identity.permissions import RECORD_PAYMENT
from payments import exceptions as err
from payments.responses import PaymentIntakeResultSerializer, PaymentOfDebitsResultSerializer
from payments.serializers import PaymentIntakeRequestSerializer, PaymentOfDebitsRequestSerializer

TOKEN_URL = "/api/v1/oauth/token"


class ApiClientAuthenticationScheme(OpenApiAuthenticationExtension):
    """OAuth2 client credentials, as Koha's own API: Swagger UI's *Authorize* gets a token."""

    target_class = "payments.authentication.ApiClientAuthentication"
    name = "clientCredentials"

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "description": "POST client_id and client_secret (form-encoded, "
                           "grant_type=client_credentials, or as an HTTP Basic header) to the "
                           "token URL, then send `Authorization: Bearer <access_token>`. Tokens "
                           "last an hour. The credentials are a kohapay API client's or a Koha "
                           "API key's (made in Koha for a staff patron; needs "
                           "RESTOAuth2ClientCredentials). A Koha key acts as its owner, whose "
                           "Koha permission is checked on every request, as are the key itself "
                           "(revoked or deleted: 401) and the owner (deleted: 401).",
            "flows": {"clientCredentials": {
                "tokenUrl": TOKEN_URL, "scopes": {"payments": "Record and read payments"},
            }},
        }

    def get_security_requirement(self, auto_schema):
        return {self.name: []}


# --- error bodies ------------------------------------------------------------------------------
class KohaFieldErrorSerializer(serializers.Serializer):
    message = serializers.CharField()
    path = serializers.CharField(help_text="JSON pointer of the problem, e.g. /body/amount.")


class KohaErrorSerializer(serializers.Serializer):
    """Koha's error shape (definitions/error.yaml)."""

    error = serializers.CharField(help_text="A sentence a person understands.")
    error_code = serializers.CharField(help_text="Machine-readable snake_case code.")
    errors = KohaFieldErrorSerializer(many=True, required=False,
                                      help_text="Field problems, when the body is at fault.")


class PaymentRuleErrorSerializer(KohaErrorSerializer):
    outstanding = serializers.DecimalField(
        max_digits=28, decimal_places=6, coerce_to_string=False, required=False,
        help_text="With amount_exceeds_outstanding: the total of the patron's outstanding "
                  "debits, the most a payment of existing debits may be.")


class DuplicateExternalIdErrorSerializer(KohaErrorSerializer):
    payment_id = serializers.IntegerField(
        required=False, help_text="With duplicate_external_id: the payment already recorded "
                                  "with this external_id.")


class MissingPermissionErrorSerializer(KohaErrorSerializer):
    required_permissions = serializers.JSONField(
        required=False, help_text="With missing_permission (a Koha API key): the Koha "
                                  "permission the operation needs, as Koha's routes write it.")


@extend_schema_serializer(component_name="Token")  # → TokenRequest
class TokenRequestSerializer(serializers.Serializer):
    grant_type = serializers.ChoiceField(choices=["client_credentials"])
    client_id = serializers.CharField(
        required=False, help_text="A kohapay client's, or a Koha API key's (a UUID made in "
                                  "Koha). Or in an HTTP Basic header with the secret.")
    client_secret = serializers.CharField(required=False,
                                          help_text="Or in an HTTP Basic header.")


class TokenResponseSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    token_type = serializers.CharField(help_text="Always Bearer.")
    expires_in = serializers.IntegerField(help_text="Seconds (3600).")
    scope = serializers.CharField(required=False,
                                  help_text="kohapay clients only (payments); Koha keys' "
                                            "answer, like Koha's, has none.")


def error_example(exc: KohaError, status: int | None = None, **body) -> OpenApiExample:
    value = {"error": exc.message, "error_code": exc.code, **body}
    return OpenApiExample(exc.default_code, value=value, response_only=True,
                          status_codes=[str(status or exc.status_code)])


def generic_example(code: str, message: str, status: int) -> OpenApiExample:
    return OpenApiExample(code, value={"error": message, "error_code": code},
                          response_only=True, status_codes=[str(status)])


# --- parameters and headers --------------------------------------------------------------------
PATRON_ID = OpenApiParameter("patron_id", OpenApiTypes.INT, OpenApiParameter.PATH,
                             description="Koha borrowernumber of the patron.")
PAYMENT_ID = OpenApiParameter("payment_id", OpenApiTypes.INT, OpenApiParameter.PATH,
                              description="The payment's id (its PAYMENT credit's "
                                          "account_line_id).")
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="1–255 visible ASCII characters, unique per request of this client (e.g. a "
                "UUID). A retry with the same key and body returns the original answer and "
                "records nothing; the same key with another body is refused (422).",
)
REPLAYED = OpenApiParameter(
    "Idempotent-Replayed", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[201],
    description="`true` when this answer is the stored one of an earlier identical request.",
)
LOCATION = OpenApiParameter("Location", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[201],
                            description="/api/v1/patrons/{patron_id}/account/payments/{payment_id}")
RETRY_AFTER = OpenApiParameter("Retry-After", OpenApiTypes.INT, OpenApiParameter.HEADER,
                               response=[409, 429, 503],
                               description="Seconds to wait before retrying.")

# --- the two kinds of payment --------------------------------------------------------------------
RECORD_DESCRIPTION = (
    "Two kinds of payment, told apart by the body, each written atomically with kohapay's "
    "intake record and safe to retry with an Idempotency-Key:\n\n"
    "- **Charge and pay** (the body names a `debit_type`): exactly what Koha's add_debit "
    "followed by pay write — the debit, the PAYMENT credit, CREATE/APPLY offsets, statistics, "
    "FINES logs.\n"
    "- **Pay what the patron owes** (no `debit_type`; optionally `account_lines_ids`, Koha's "
    "own field): exactly what Koha's pay writes — the PAYMENT credit, its CREATE offset, an "
    "APPLY offset per debit paid (the named ones in the order given, then the patron's other "
    "outstanding debits oldest first), statistics, the FINES log. The amount may not exceed "
    "what the patron owes (amount_exceeds_outstanding); a payment that would make Koha renew "
    "or return an item is refused (requires_koha).\n\n"
    "Both `debit_type` and `account_lines_ids` is ambiguous_payment."
)
PAYMENT_REQUEST = PolymorphicProxySerializer(
    component_name="Payment",  # → PaymentRequest
    serializers=[PaymentIntakeRequestSerializer, PaymentOfDebitsRequestSerializer],
    resource_type_field_name=None,
)
PAYMENT_RESULT = PolymorphicProxySerializer(
    component_name="PaymentResult",
    serializers=[PaymentIntakeResultSerializer, PaymentOfDebitsResultSerializer],
    resource_type_field_name=None,
)
PAYMENT_RESULTS = PolymorphicProxySerializer(
    component_name="PaymentResult",
    serializers=[PaymentIntakeResultSerializer, PaymentOfDebitsResultSerializer],
    resource_type_field_name=None, many=True,
)

# --- examples ----------------------------------------------------------------------------------
REQUEST_EXAMPLE = OpenApiExample(
    "Printing paid in cash at register 1", request_only=True,
    value={"debit_type": "PRINT", "amount": 2.5, "payment_type": "CASH", "register_id": 1,
           "description": "Printing", "external_id": "kiosk-7-000123"},
)
PAY_REQUEST_EXAMPLE = OpenApiExample(
    "Two fines paid in cash at register 1", request_only=True,
    value={"amount": 7.5, "payment_type": "CASH", "register_id": 1,
           "account_lines_ids": [118, 131], "external_id": "kiosk1-000124"},
)
_LINE = {"cash_register_id": None, "date": "2024-05-10T14:03:07+02:00", "interface": "api",
         "internal_note": "", "library_id": "CPL", "patron_id": 42, "status": None,
         "timestamp": "2024-05-10T14:03:07+02:00", "user_id": 51}
_DEBIT = {**_LINE, "account_line_id": 1, "amount": 2.5, "amount_outstanding": 0,
          "checkout_id": None, "description": "Printing", "item_id": None, "payout_type": None,
          "type": "PRINT"}
_CREDIT = {**_LINE, "account_line_id": 2, "amount": -2.5, "amount_outstanding": 0,
           "cash_register_id": 1, "credit_number": None, "description": "",
           "payment_type": "CASH", "type": "PAYMENT"}
RESULT_EXAMPLE = OpenApiExample(
    "Recorded", response_only=True, status_codes=["201", "200"],
    value={
        "payment_id": 2, "patron_id": 42, "external_id": "kiosk-7-000123", "balance": 0,
        "debit": dict(sorted(_DEBIT.items())),  # Koha's properties, in Koha's order
        "credit": dict(sorted(_CREDIT.items())),
        "offsets": [
            {"offset_id": 1, "type": "CREATE", "credit_id": None, "debit_id": 1, "amount": 2.5},
            {"offset_id": 2, "type": "CREATE", "credit_id": 2, "debit_id": None, "amount": 2.5},
            {"offset_id": 3, "type": "APPLY", "credit_id": 2, "debit_id": 1, "amount": -2.5},
        ],
    },
)
_FINE = {**_LINE, "amount": 5, "checkout_id": None, "description": "Overdue: The Hobbit",
         "interface": "cron", "internal_note": "", "item_id": None, "payout_type": None,
         "type": "OVERDUE", "status": "RETURNED", "user_id": None,
         "date": "2024-05-02T02:00:00+02:00", "timestamp": "2024-05-10T14:03:07+02:00"}
PAY_RESULT_EXAMPLE = OpenApiExample(
    "Two fines paid", response_only=True, status_codes=["201", "200"],
    value={
        "payment_id": 140, "patron_id": 42, "external_id": "kiosk1-000124", "balance": 1.5,
        "credit": dict(sorted({**_CREDIT, "account_line_id": 140, "amount": -7.5}.items())),
        "debits": [
            dict(sorted({**_FINE, "account_line_id": 118, "amount_outstanding": 0}.items())),
            dict(sorted({**_FINE, "account_line_id": 131, "amount": 4,
                         "amount_outstanding": 1.5}.items())),
        ],
        "offsets": [
            {"offset_id": 301, "type": "CREATE", "credit_id": 140, "debit_id": None,
             "amount": 7.5},
            {"offset_id": 302, "type": "APPLY", "credit_id": 140, "debit_id": 118,
             "amount": -5},
            {"offset_id": 303, "type": "APPLY", "credit_id": 140, "debit_id": 131,
             "amount": -2.5},
        ],
    },
)
BAD_REQUEST_EXAMPLES = [
    generic_example("malformed_json", "The request body is not valid JSON.", 400),
    OpenApiExample("invalid_amount", response_only=True, status_codes=["400"], value={
        "error": "amount must be greater than 0.", "error_code": "invalid_amount",
        "errors": [{"message": "amount must be greater than 0.", "path": "/body/amount"}]}),
    OpenApiExample("unknown_property", response_only=True, status_codes=["400"], value={
        "error": "Unknown property: amont.", "error_code": "unknown_property",
        "errors": [{"message": "Unknown property.", "path": "/body/amont"}]}),
    error_example(err.InvalidExternalId()),
    error_example(err.InvalidIdempotencyKey()),
    *[error_example(cls()) for cls in (
        err.UnknownDebitType, err.DebitTypeArchived, err.DebitTypeNotAllowed,
        err.DebitTypeNotAtLibrary, err.InvalidPaymentType, err.PaymentTypeNotAtLibrary,
        err.RegisterRequired, err.UnknownRegister, err.RegisterArchived,
        err.RegisterLibraryMismatch, err.UnknownLibrary, err.LibraryRequired,
        err.AmbiguousPayment,
    )],
    OpenApiExample("invalid_account_lines_ids", response_only=True, status_codes=["400"], value={
        "error": "account_lines_ids: Names account line 118 more than once.",
        "error_code": "invalid_account_lines_ids",
        "errors": [{"message": "Names account line 118 more than once.",
                    "path": "/body/account_lines_ids"}]}),
    error_example(err.InvalidAccountLine("Account line 131 has nothing outstanding.")),
    error_example(err.AmountExceedsOutstanding(
        "Patron 42 owes 9 in outstanding debits; 10 is more, and kohapay never leaves an "
        "unapplied credit."), outstanding=9),
]
UNAUTHORIZED_EXAMPLES = [
    generic_example("unauthenticated", "Authentication is required: send a Bearer token.", 401),
    generic_example("invalid_token", "The access token is missing, malformed, expired or "
                                     "revoked.", 401),
]
MISSING_PERMISSION_EXAMPLE = error_example(
    err.MissingPermission(RECORD_PAYMENT),
    required_permissions={"updatecharges": "remaining_permissions"})
FORBIDDEN_EXAMPLES = [error_example(cls()) for cls in (
    err.LibraryOutOfScope, err.RegisterOutOfScope, err.DebitTypeOutOfScope)
] + [MISSING_PERMISSION_EXAMPLE]
TOKEN_EXAMPLES = [
    OpenApiExample(
        "Token of a kohapay client", response_only=True, status_codes=["200"],
        value={"access_token": "Jk1c0n3S8kP…", "token_type": "Bearer", "expires_in": 3600,
               "scope": "payments"}),
    OpenApiExample(
        "Token of a Koha API key", response_only=True, status_codes=["200"],
        value={"access_token": "kk_Zq3…", "token_type": "Bearer", "expires_in": 3600}),
    generic_example("invalid_client", "Client authentication failed: unknown client_id, wrong "
                    "client_secret or inactive client.", 401),
    *[error_example(cls()) for cls in (
        err.UnimplementedGrantType, err.UnauthorizedClient, err.AccessDenied)],
]
CONFLICT_EXAMPLES = [
    error_example(err.DuplicateExternalId(), payment_id=2),
    error_example(err.ConcurrentChange()),
    error_example(err.RequiresKoha(
        "Paying account line 118 off would make Koha renew item 5 (RenewAccruingItemWhenPaid "
        "is on), which kohapay cannot do: take this payment in Koha.")),
]
UNAVAILABLE_EXAMPLE = generic_example(DATABASE_UNAVAILABLE[1], DATABASE_UNAVAILABLE[0], 503)


def error_response(description: str, serializer=KohaErrorSerializer) -> OpenApiResponse:
    return OpenApiResponse(serializer, description=description)


# A Koha API key whose owner lacks the Koha permission (every payment operation).
MISSING_PERMISSION = {403: error_response(
    "A Koha API key whose owner lacks, in Koha, the permission this needs "
    "(updatecharges: remaining_permissions).", MissingPermissionErrorSerializer)}
COMMON_ERRORS = {
    401: error_response("No, malformed, expired or revoked token, inactive client, or a Koha "
                        "API key revoked or deleted in Koha (or its owner deleted)."),
    429: error_response("Too many requests from this client (KOHAPAY_API_RATE); retry after "
                        "Retry-After seconds. Nothing was recorded."),
    500: error_response("A bug: kohapay refused to commit a ledger that failed its checks."),
    503: error_response("The database is unavailable; nothing was recorded. Retry later."),
}


def close_request_bodies(result, generator, request, public):
    """Postprocessing hook: request bodies refuse unknown properties (as the API does), which
    drf-spectacular cannot say by itself."""
    schemas = result.get("components", {}).get("schemas", {})
    for name in ("PaymentIntakeRequest", "PaymentOfDebitsRequest", "CashupRequest",
                 "CountedAmountRequest", "SettlementRequest", "SettlementTotalRequest"):
        if name in schemas:
            schemas[name]["additionalProperties"] = False
    return result
