"""The payment API: validate → call the service or a selector → render. No ORM call here."""
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.throttling import TokenClientThrottle, TokenIPThrottle, token_request_credentials
from koha.identity.permissions import RECORD_PAYMENT
from payments import exceptions as err
from payments import openapi as docs
from payments import selectors
from payments.intake_log import IntakeLogMixin
from payments.oauth import KohaTokenView
from payments.serializers import (
    CHARGE,
    PAY,
    PaymentListQuerySerializer,
    asked_external_id,
    validated_payment,
)
from payments.services.idempotency import request_hash, validate_idempotency_key
from payments.services.intake import record_payment
from payments.services.koha_keys import issue_token
from payments.services.pay import pay_debits

TAGS = ["payments"]
RECORDERS = {CHARGE: record_payment, PAY: pay_debits}


def path_id(value: str, name: str) -> int:
    """A positive integer id from the path (Koha answers 400 for anything else)."""
    if not value.isascii() or not value.isdigit() or len(value) > 10:
        raise err.InvalidField(f"{name} must be a positive integer.", code=f"invalid_{name}",
                               errors=[{"message": "Expected a positive integer.",
                                        "path": f"/path/{name}"}])
    return int(value)


def payment_location(patron_id: int, payment_id: int) -> str:
    return reverse("payments:payment", kwargs={"patron_id": patron_id, "payment_id": payment_id})


class PatronPaymentsView(IntakeLogMixin, APIView):
    """``/patrons/{patron_id}/account/payments``: record a payment, or find the client's own."""

    koha_permission = RECORD_PAYMENT  # Koha's rule for its REST credits and debits

    @extend_schema(
        operation_id="recordPatronPayment", tags=TAGS,
        summary="Record a payment: a new charge paid at once, or debits the patron owes",
        description=docs.RECORD_DESCRIPTION,
        parameters=[docs.PATRON_ID, docs.IDEMPOTENCY_KEY, docs.LOCATION, docs.REPLAYED,
                    docs.RETRY_AFTER],
        request=docs.PAYMENT_REQUEST,
        responses={
            201: OpenApiResponse(docs.PAYMENT_RESULT, description="Recorded (or the replay of "
                                 "an identical earlier request)."),
            400: docs.error_response("Malformed JSON, a body that breaks a rule (each with its "
                                     "own error_code), or a bad Idempotency-Key.",
                                     docs.PaymentRuleErrorSerializer),
            403: docs.error_response("Outside the client's libraries, registers or debit "
                                     "types; or a Koha API key whose owner lacks the Koha "
                                     "permission (missing_permission).",
                                     docs.MissingPermissionErrorSerializer),
            404: docs.error_response("No such patron."),
            409: OpenApiResponse(docs.DuplicateExternalIdErrorSerializer, description="The "
                                 "external_id was already used (its payment_id is given); "
                                 "Koha's rows changed during the intake (concurrent_change: "
                                 "nothing was written; retry with the same key); or paying a "
                                 "debit off would make Koha renew or return an item "
                                 "(requires_koha: take that payment in Koha)."),
            413: docs.error_response("The body is larger than KOHAPAY_MAX_BODY_BYTES."),
            415: docs.error_response("The body is not application/json."),
            422: docs.error_response("The Idempotency-Key was used for a different request."),
            **docs.COMMON_ERRORS,
        },
        examples=[docs.REQUEST_EXAMPLE, docs.PAY_REQUEST_EXAMPLE, docs.RESULT_EXAMPLE,
                  docs.PAY_RESULT_EXAMPLE, *docs.BAD_REQUEST_EXAMPLES,
                  *docs.UNAUTHORIZED_EXAMPLES, *docs.FORBIDDEN_EXAMPLES,
                  docs.error_example(err.PatronNotFound()), *docs.CONFLICT_EXAMPLES,
                  docs.generic_example("unsupported_media_type",
                                       'Unsupported media type "text/plain" in request.', 415),
                  docs.error_example(err.IdempotencyKeyReused()),
                  docs.error_example(err.InvariantViolation()), docs.UNAVAILABLE_EXAMPLE],
    )
    def post(self, request, patron_id):
        patron_id = path_id(patron_id, "patron_id")
        key = validate_idempotency_key(request.headers.get("Idempotency-Key"))
        kind, data = validated_payment(request.data)
        result = RECORDERS[kind](
            client=request.user.client, owner=request.user.owner, patron_id=patron_id,
            idempotency_key=key, request_hash=request_hash(patron_id, data), **data,
        )
        headers = {"Location": payment_location(result.patron_id, result.payment_id)}
        if result.replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(result.body, status=result.status_code, headers=headers)

    @extend_schema(
        operation_id="listPatronPayments", tags=TAGS,
        summary="The client's own payments for a patron (newest first, at most 100)",
        description="With external_id: the payment recorded with that reference, if any — how "
                    "a kiosk whose request timed out learns whether it landed.",
        parameters=[docs.PATRON_ID, PaymentListQuerySerializer],
        responses={200: docs.PAYMENT_RESULTS,
                   400: docs.error_response("A bad external_id or patron_id."),
                   **docs.MISSING_PERMISSION, **docs.COMMON_ERRORS},
        examples=[docs.RESULT_EXAMPLE, docs.PAY_RESULT_EXAMPLE, *docs.UNAUTHORIZED_EXAMPLES,
                  docs.MISSING_PERMISSION_EXAMPLE, docs.UNAVAILABLE_EXAMPLE],
    )
    def get(self, request, patron_id):
        patron_id = path_id(patron_id, "patron_id")
        intakes = selectors.client_intakes(request.user.client, patron_id=patron_id,
                                           external_id=asked_external_id(request.query_params))
        return Response([intake.response_body for intake in intakes])


class PatronPaymentView(APIView):
    """``/patrons/{patron_id}/account/payments/{payment_id}``: one of the client's payments."""

    koha_permission = RECORD_PAYMENT

    @extend_schema(
        operation_id="getPatronPayment", tags=TAGS,
        summary="A payment this client recorded, with the body of its 201",
        parameters=[docs.PATRON_ID, docs.PAYMENT_ID],
        responses={200: docs.PAYMENT_RESULT,
                   400: docs.error_response("A bad patron_id or payment_id."),
                   404: docs.error_response("No such payment recorded by this client."),
                   **docs.MISSING_PERMISSION, **docs.COMMON_ERRORS},
        examples=[docs.RESULT_EXAMPLE, docs.PAY_RESULT_EXAMPLE, *docs.UNAUTHORIZED_EXAMPLES,
                  docs.error_example(err.PaymentNotFound()), docs.MISSING_PERMISSION_EXAMPLE,
                  docs.UNAVAILABLE_EXAMPLE],
    )
    def get(self, request, patron_id, payment_id):
        intake = selectors.client_intake(
            request.user.client, patron_id=path_id(patron_id, "patron_id"),
            payment_id=path_id(payment_id, "payment_id"),
        )
        if intake is None:
            raise err.PaymentNotFound()
        return Response(intake.response_body)


class TokenView(APIView):
    """``/oauth/token``: a Koha API key's token (``services.koha_keys``), else
    django-oauth-toolkit's client-credentials flow for kohapay's own clients (``payments.oauth``);
    an APIView so that the token request is part of the OpenAPI description."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [FormParser]
    throttle_classes = [TokenClientThrottle, TokenIPThrottle]  # a brake on guessing secrets

    @extend_schema(
        operation_id="getToken", tags=["authentication"], auth=[],
        summary="Get an access token (OAuth2 client credentials, as Koha)",
        description="Credentials in the form or an HTTP Basic header: a kohapay API client's "
                    "(create_api_client), or a Koha API key's — made in Koha (Patrons → API "
                    "keys) for a staff patron who holds updatecharges: remaining_permissions, "
                    "with RESTOAuth2ClientCredentials on. A Koha key gets Koha's own answers "
                    "(its error word in error, kohapay's error_code beside it) and acts as its "
                    "owner; kohapay re-checks the key, the owner and the owner's permission on "
                    "every request.",
        request={"application/x-www-form-urlencoded": docs.TokenRequestSerializer},
        responses={200: docs.TokenResponseSerializer,
                   400: docs.error_response("Malformed request or unsupported grant type; for a "
                                            "Koha key, Koha's \"Unimplemented grant type\" "
                                            "(also when RESTOAuth2ClientCredentials is off)."),
                   401: docs.error_response("kohapay client: unknown client, wrong secret or "
                                            "inactive client."),
                   403: docs.error_response("Koha API key: unauthorized_client (no such key, or "
                                            "revoked in Koha or deactivated in kohapay) or "
                                            "access_denied (wrong secret)."),
                   429: docs.error_response("Too many token requests for this client_id or from "
                                            "this address (KOHAPAY_TOKEN_RATE); see "
                                            "Retry-After.")},
        examples=docs.TOKEN_EXAMPLES,
    )
    def post(self, request):
        try:
            grant_type = request._request.POST.get("grant_type")
        except (MultiPartParserError, ValueError):  # a malformed body: the toolkit refuses it
            return KohaTokenView.as_view()(request._request)
        client_id, client_secret = token_request_credentials(request)
        issued = issue_token(grant_type=grant_type, client_id=client_id,
                             client_secret=client_secret)
        if issued is None:
            return KohaTokenView.as_view()(request._request)
        return Response(issued.body, headers=err.NO_STORE)
