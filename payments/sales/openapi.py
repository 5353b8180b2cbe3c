"""The OpenAPI description of the sales (and refunds) routes: parameters, examples and each
route's error answers, beside the payment API's (``payments.openapi``), whose error shapes and
common answers they reuse."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from koha.identity.permissions import SELL
from payments import exceptions as err
from payments import openapi as docs
from payments.sales.responses import SaleResultSerializer
from payments.sales.serializers import MAX_ITEMS

CASH_REGISTER_ID = OpenApiParameter(
    "cash_register_id", OpenApiTypes.INT, OpenApiParameter.PATH,
    description="The register (cash_registers.id) the sale is journaled to.")
SALE_ID = OpenApiParameter("sale_id", OpenApiTypes.INT, OpenApiParameter.PATH,
                           description="The sale's id: its PURCHASE credit's account_line_id.")
SALE_LOCATION = OpenApiParameter(
    "Location", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[201],
    description="/api/v1/cash_registers/{cash_register_id}/sales/{sale_id}")


class DuplicateErrorSerializer(docs.DuplicateExternalIdErrorSerializer):
    sale_id = serializers.IntegerField(
        required=False, help_text="With duplicate_external_id: the sale already recorded with "
                                  "this external_id (payment_id when a payment holds it).")


class SaleRuleErrorSerializer(docs.KohaErrorSerializer):
    """A 400 of a sale: a body that breaks a shape rule or a Koha rule (each its own code)."""


SALE_DESCRIPTION = (
    "A sale without a patron — a visitor's printing, a book sale, a copy card — exactly as "
    "Koha's point of sale writes it (Koha::Charges::Sales::purchase; Koha bug 42784): a debit "
    "per item (quantity × price, the quantity as its note, no patron, no register), one "
    "PURCHASE credit of −total on the register, a CREATE offset per line and an APPLY offset "
    "per item; no statistics row and no FINES log, as in Koha. Atomic with kohapay's record "
    "and safe to retry with an Idempotency-Key; external_id is unique per client across "
    "payments and sales."
)
SALE_REQUEST_EXAMPLE = OpenApiExample(
    "Printing and a copy card, cash", request_only=True,
    value={"payment_type": "CASH", "external_id": "kiosk1-s-000077",
           "items": [{"debit_type": "PRINT", "price": 0.2, "quantity": 12},
                     {"debit_type": "COPYCARD", "price": 5, "quantity": 1}]})
_LINE = {"cash_register_id": None, "date": "2024-05-10T14:03:07+02:00", "description": None,
         "interface": "api", "library_id": "CPL", "patron_id": None, "status": None,
         "timestamp": "2024-05-10T14:03:07+02:00", "user_id": 51}
_ITEM = {**_LINE, "amount_outstanding": 0, "checkout_id": None, "item_id": None,
         "payout_type": None}
SALE_RESULT_EXAMPLE = OpenApiExample(
    "Sold", response_only=True, status_codes=["201", "200"],
    value={
        "sale_id": 203, "cash_register_id": 1, "library_id": "CPL", "payment_type": "CASH",
        "external_id": "kiosk1-s-000077", "total": 7.4,
        "credit": dict(sorted({**_LINE, "account_line_id": 203, "amount": -7.4,
                               "amount_outstanding": 0, "cash_register_id": 1,
                               "credit_number": None, "internal_note": "POS SALE",
                               "payment_type": "CASH", "type": "PURCHASE"}.items())),
        "debits": [
            dict(sorted({**_ITEM, "account_line_id": 201, "amount": 2.4, "internal_note": "12",
                         "type": "PRINT"}.items())),
            dict(sorted({**_ITEM, "account_line_id": 202, "amount": 5, "internal_note": "1",
                         "type": "COPYCARD"}.items())),
        ],
        "offsets": [
            {"offset_id": 501, "type": "CREATE", "credit_id": None, "debit_id": 201,
             "amount": 2.4},
            {"offset_id": 502, "type": "CREATE", "credit_id": None, "debit_id": 202,
             "amount": 5},
            {"offset_id": 503, "type": "CREATE", "credit_id": 203, "debit_id": None,
             "amount": -7.4},
            {"offset_id": 504, "type": "APPLY", "credit_id": 203, "debit_id": 201,
             "amount": -2.4},
            {"offset_id": 505, "type": "APPLY", "credit_id": 203, "debit_id": 202,
             "amount": -5},
        ],
    },
)
SALE_BAD_REQUESTS = [
    docs.generic_example("malformed_json", "The request body is not valid JSON.", 400),
    OpenApiExample("invalid_items", response_only=True, status_codes=["400"], value={
        "error": "items.0.price: price must be digits with an optional decimal point, e.g. "
                 "\"2.50\".", "error_code": "invalid_items",
        "errors": [{"message": "price must be digits with an optional decimal point, e.g. "
                               "\"2.50\".", "path": "/body/items/0/price"}]}),
    OpenApiExample("unknown_property", response_only=True, status_codes=["400"], value={
        "error": "Unknown property: items/0/colour.", "error_code": "unknown_property",
        "errors": [{"message": "Unknown property.", "path": "/body/items/0/colour"}]}),
    docs.error_example(err.TotalTooLarge()),
    docs.error_example(err.InvalidExternalId()),
    docs.error_example(err.InvalidIdempotencyKey()),
    *[docs.error_example(cls()) for cls in (
        err.UnknownDebitType, err.DebitTypeArchived, err.DebitTypeNotForSale,
        err.DebitTypeNotAtLibrary, err.InvalidPaymentType, err.PaymentTypeNotAtLibrary,
        err.RegisterArchived)],
]
SELL_PERMISSION_EXAMPLE = docs.error_example(
    err.MissingPermission(SELL), required_permissions={"cash_management": "takepayment"})


def sale_responses() -> dict:
    return {
        201: OpenApiResponse(SaleResultSerializer, description="Recorded (or the replay of "
                                                               "an identical earlier request)."),
        400: docs.error_response("Malformed JSON, a body that breaks a rule (each with its own "
                                 "error_code), or a bad Idempotency-Key.",
                                 SaleRuleErrorSerializer),
        403: docs.error_response("A register, library or debit type outside the client's "
                                 "scope; or a Koha API key whose owner lacks cash_management: "
                                 "takepayment (missing_permission).",
                                 docs.MissingPermissionErrorSerializer),
        404: docs.error_response("No such cash register."),
        409: OpenApiResponse(DuplicateErrorSerializer, description="The external_id was "
                             "already used (its sale_id or payment_id is given), or Koha's "
                             "rows changed during the sale (concurrent_change: nothing was "
                             "written; retry with the same key)."),
        413: docs.error_response("The body is larger than KOHAPAY_MAX_BODY_BYTES."),
        415: docs.error_response("The body is not application/json."),
        422: docs.error_response("The Idempotency-Key was used for a different request."),
        **docs.COMMON_ERRORS,
    }


def sale_examples() -> list:
    return [SALE_REQUEST_EXAMPLE, SALE_RESULT_EXAMPLE, *SALE_BAD_REQUESTS,
            *docs.UNAUTHORIZED_EXAMPLES,
            *[docs.error_example(cls()) for cls in (err.RegisterOutOfScope, err.LibraryOutOfScope,
                                                     err.DebitTypeOutOfScope)],
            SELL_PERMISSION_EXAMPLE, docs.error_example(err.RegisterNotFound()),
            docs.error_example(err.DuplicateExternalId(), sale_id=203),
            docs.error_example(err.ConcurrentChange()),
            docs.generic_example("unsupported_media_type",
                                 'Unsupported media type "text/plain" in request.', 415),
            docs.error_example(err.IdempotencyKeyReused()),
            docs.error_example(err.InvariantViolation()), docs.UNAVAILABLE_EXAMPLE]


SELL_PERMISSION = {403: docs.error_response(
    "A Koha API key whose owner lacks, in Koha, cash_management: takepayment.",
    docs.MissingPermissionErrorSerializer)}


def close_sale_bodies(result, generator, request, public):
    """Postprocessing hook: the sales' and refunds' bodies refuse unknown properties (as the API
    does) and a sale holds 1 to 100 items — what drf-spectacular cannot say by itself."""
    schemas = result.get("components", {}).get("schemas", {})
    for name in ("SaleRequest", "SaleItemRequest", "RefundRequest"):
        if name in schemas:
            schemas[name]["additionalProperties"] = False
    items = schemas.get("SaleRequest", {}).get("properties", {}).get("items")
    if items is not None:
        items.update({"minItems": 1, "maxItems": MAX_ITEMS})
    return result


# --- refunds -------------------------------------------------------------------------------------
PAYMENT_REFUND_DESCRIPTION = (
    "Give back money a patron paid through this client, exactly as Koha's patron account page "
    "does (members/boraccount.pl): for each debit the payment paid, Koha's reduce with type "
    "REFUND (a REFUND credit, the debit's status REFUNDED, a zero APPLY offset linking them), "
    "then payout of that credit through the register (a PAYOUT debit carrying the register and "
    "payment_type = payout_type; the credit applied to it, status PAID). No statistics row and "
    "no FINES log, as in Koha. Partial refunds add up and never exceed what the payment paid; "
    "safe to retry with an Idempotency-Key."
)
SALE_REFUND_DESCRIPTION = (
    "Give back money taken in a sale this client recorded, exactly as Koha's register page "
    "does (pos/register.pl's refund): reduce with type REFUND on each sold item, then payout "
    "through the register. Partial refunds add up and never exceed the sale's total; safe to "
    "retry with an Idempotency-Key."
)
REFUND_REQUEST_EXAMPLE = OpenApiExample(
    "Part of it back in cash", request_only=True,
    value={"amount": 2.5, "payout_type": "CASH", "cash_register_id": 1,
           "reason": "printer jam"})
_R = {"date": "2024-05-10T16:20:00+02:00", "description": None, "interface": "api",
      "internal_note": "printer jam", "library_id": "CPL", "patron_id": 42,
      "timestamp": "2024-05-10T16:20:00+02:00", "user_id": 51}
_REFUNDED = {"account_line_id": 1, "amount": 2.5, "amount_outstanding": 0,
             "cash_register_id": None, "checkout_id": None, "date": "2024-05-10T14:03:07+02:00",
             "description": "Printing", "interface": "api", "internal_note": "", "item_id": None,
             "library_id": "CPL", "patron_id": 42, "payout_type": None, "status": "REFUNDED",
             "timestamp": "2024-05-10T16:20:00+02:00", "type": "PRINT", "user_id": 51}
PAYMENT_REFUND_EXAMPLE = OpenApiExample(
    "Refunded", response_only=True, status_codes=["201"],
    value={
        "payment_id": 2, "patron_id": 42, "cash_register_id": 1, "library_id": "CPL",
        "payout_type": "CASH", "amount": 2.5, "refundable": 0,
        "refunds": [{
            "debit": dict(sorted(_REFUNDED.items())),
            "credit": dict(sorted({**_R, "account_line_id": 7, "amount": -2.5,
                                   "amount_outstanding": 0, "cash_register_id": None,
                                   "credit_number": None, "payment_type": None,
                                   "status": "PAID", "type": "REFUND"}.items())),
            "payout": dict(sorted({**_R, "account_line_id": 8, "amount": 2.5,
                                   "amount_outstanding": 0, "cash_register_id": 1,
                                   "checkout_id": None, "item_id": None, "payout_type": "CASH",
                                   "status": None, "type": "PAYOUT"}.items())),
        }],
        "offsets": [
            {"offset_id": 11, "type": "CREATE", "credit_id": 7, "debit_id": None,
             "amount": -2.5},
            {"offset_id": 12, "type": "APPLY", "credit_id": 7, "debit_id": 1, "amount": 0},
            {"offset_id": 13, "type": "CREATE", "credit_id": None, "debit_id": 8,
             "amount": 2.5},
            {"offset_id": 14, "type": "APPLY", "credit_id": 7, "debit_id": 8, "amount": -2.5},
        ],
    },
)

_SALE_R = {**_R, "patron_id": None}
SALE_REFUND_EXAMPLE = OpenApiExample(
    "Refunded", response_only=True, status_codes=["201"],
    value={
        "sale_id": 203, "cash_register_id": 1, "library_id": "CPL", "payout_type": "CASH",
        "amount": 1.2, "refundable": 6.2,
        "refunds": [{
            "debit": dict(sorted({**_REFUNDED, "account_line_id": 201, "amount": 2.4,
                                  "description": None, "internal_note": "12",
                                  "patron_id": None}.items())),
            "credit": dict(sorted({**_SALE_R, "account_line_id": 210, "amount": -1.2,
                                   "amount_outstanding": 0, "cash_register_id": None,
                                   "credit_number": None, "payment_type": None,
                                   "status": "PAID", "type": "REFUND"}.items())),
            "payout": dict(sorted({**_SALE_R, "account_line_id": 211, "amount": 1.2,
                                   "amount_outstanding": 0, "cash_register_id": 1,
                                   "checkout_id": None, "item_id": None, "payout_type": "CASH",
                                   "status": None, "type": "PAYOUT"}.items())),
        }],
        "offsets": [
            {"offset_id": 601, "type": "CREATE", "credit_id": 210, "debit_id": None,
             "amount": -1.2},
            {"offset_id": 602, "type": "APPLY", "credit_id": 210, "debit_id": 201, "amount": 0},
            {"offset_id": 603, "type": "CREATE", "credit_id": None, "debit_id": 211,
             "amount": 1.2},
            {"offset_id": 604, "type": "APPLY", "credit_id": 210, "debit_id": 211,
             "amount": -1.2},
        ],
    },
)


class RefundRuleErrorSerializer(docs.KohaErrorSerializer):
    refundable = serializers.DecimalField(
        max_digits=28, decimal_places=6, coerce_to_string=False, required=False,
        help_text="With amount_exceeds_refundable: what is still refundable.")


def refund_responses(result, permission: str, not_found: str) -> dict:
    return {
        201: OpenApiResponse(result, description="Refunded (or the replay of an identical "
                                                 "earlier request)."),
        400: docs.error_response("Malformed JSON, a body that breaks a rule (each with its own "
                                 "error_code), an amount above what is still refundable, or a "
                                 "bad Idempotency-Key.", RefundRuleErrorSerializer),
        403: docs.error_response("A register or library outside the client's scope; or a Koha "
                                 f"API key whose owner lacks {permission} "
                                 "(missing_permission).", docs.MissingPermissionErrorSerializer),
        404: docs.error_response(not_found),
        409: docs.error_response("The payment was voided in Koha (payment_voided); Koha's rows "
                                 "changed during the refund (concurrent_change: nothing was "
                                 "written, retry with the same key); or a debit still owes "
                                 "what would be refunded of it (requires_koha)."),
        413: docs.error_response("The body is larger than KOHAPAY_MAX_BODY_BYTES."),
        415: docs.error_response("The body is not application/json."),
        422: docs.error_response("The Idempotency-Key was used for a different request."),
        **docs.COMMON_ERRORS,
    }


def refund_examples(result_example, permission_example, not_found) -> list:
    return [REFUND_REQUEST_EXAMPLE, result_example,
            docs.generic_example("malformed_json", "The request body is not valid JSON.", 400),
            docs.error_example(err.AmountExceedsRefundable(
                "Payment 2 has 1.5 left to refund; 2.5 is more."), refundable=1.5),
            *[docs.error_example(cls()) for cls in (
                err.InvalidAmount, err.InvalidPaymentType, err.PaymentTypeNotAtLibrary,
                err.RegisterRequired, err.UnknownRegister, err.RegisterArchived,
                err.InvalidIdempotencyKey)],
            OpenApiExample("unknown_property", response_only=True, status_codes=["400"], value={
                "error": "Unknown property: refund_type.", "error_code": "unknown_property",
                "errors": [{"message": "Unknown property.", "path": "/body/refund_type"}]}),
            *docs.UNAUTHORIZED_EXAMPLES,
            *[docs.error_example(cls()) for cls in (err.RegisterOutOfScope,
                                                     err.LibraryOutOfScope)],
            permission_example, docs.error_example(not_found),
            docs.error_example(err.PaymentVoided()), docs.error_example(err.ConcurrentChange()),
            docs.error_example(err.RequiresKoha(
                "Account line 131 still owes 1.5: Koha's reduce would take a refund of 1 off "
                "the debt instead of paying it out. Refund it in Koha.")),
            docs.generic_example("unsupported_media_type",
                                 'Unsupported media type "text/plain" in request.', 415),
            docs.error_example(err.IdempotencyKeyReused()),
            docs.error_example(err.InvariantViolation()), docs.UNAVAILABLE_EXAMPLE]
