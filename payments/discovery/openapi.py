"""The OpenAPI description of the discovery routes: their query parameters, the pagination
headers, the statuses and examples. Kept apart from the views so that they stay short."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

from koha.identity.permissions import describe
from payments import exceptions as err
from payments import openapi as docs
from payments.pagination import INT_MAX

TAGS = ["discovery"]

# --- parameters ---------------------------------------------------------------------------------
LIBRARY_ID = OpenApiParameter(
    "library_id", {"type": "string", "minLength": 1, "maxLength": 10}, OpenApiParameter.QUERY,
    description="A Koha library (branchcode, as Koha spells it) where the client may act.",
)
ARCHIVED = OpenApiParameter(
    "archived", OpenApiTypes.BOOL, OpenApiParameter.QUERY,
    description="`true`: only the archived ones; `false` (the default): only the others.",
)
CAN_BE_SOLD = OpenApiParameter(
    "can_be_sold", OpenApiTypes.BOOL, OpenApiParameter.QUERY,
    description="Only the types that can (`true`) or cannot (`false`) be sold.",
)
PAGE = OpenApiParameter(
    "_page", {"type": "integer", "minimum": 1, "maximum": INT_MAX}, OpenApiParameter.QUERY,
    description="Page number (default 1).",
)
PER_PAGE = OpenApiParameter(
    "_per_page", {"oneOf": [{"type": "integer", "minimum": 1, "maximum": INT_MAX},
                            {"type": "integer", "enum": [-1]}]},
    OpenApiParameter.QUERY,
    description="Page size (default Koha's RESTdefaultPageSize, else 20); -1: everything.",
)
PAGINATION = [PAGE, PER_PAGE]
PAGINATION_HEADERS = [
    OpenApiParameter("X-Total-Count", OpenApiTypes.INT, OpenApiParameter.HEADER,
                     response=[200], required=True,
                     description="How many match the request (every page together)."),
    OpenApiParameter("X-Base-Total-Count", OpenApiTypes.INT, OpenApiParameter.HEADER,
                     response=[200], required=True,
                     description="How many the client may see, before this request's filters."),
    OpenApiParameter("Link", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200],
                     required=True,
                     description='RFC 5988 links as Koha writes them: rel="prev", "next" (when '
                                 'there is such a page), "first" and "last".'),
]

# --- responses ----------------------------------------------------------------------------------
BAD_QUERY = docs.error_response(
    "A query parameter out of its range or format (invalid_library_id, invalid_archived, "
    "invalid_can_be_sold, invalid_page, invalid_per_page), a Koha query parameter kohapay "
    "does not take (unsupported_query_parameter: q, _match, _order_by), or unknown_library.")
OUT_OF_SCOPE = docs.error_response(
    "library_id names a library where the client may not act (library_not_allowed); or a "
    "Koha API key whose owner lacks, in Koha, the permission this needs (missing_permission, "
    "with required_permissions).", docs.MissingPermissionErrorSerializer)
ERRORS = {
    401: docs.error_response("No, malformed, expired or revoked token, inactive client, or a "
                             "Koha API key revoked or deleted in Koha (or its owner deleted). A "
                             "dashboard session does not open these kiosk routes."),
    429: docs.error_response("Too many requests from this client (KOHAPAY_API_RATE); retry "
                             "after Retry-After seconds."),
    500: docs.error_response("A bug in kohapay (logged)."),
    503: docs.error_response("The database is unavailable; retry later."),
}
UNSUPPORTED = "unsupported_query_parameter"

# --- examples -----------------------------------------------------------------------------------
# (drf-spectacular wraps a list route's example in the list itself.)
REGISTERS_EXAMPLE = OpenApiExample("A register of CPL", response_only=True, value={
    "archived": False, "cash_register_id": 1, "description": "Front desk till",
    "library_default": True, "library_id": "CPL", "name": "Front desk", "starting_float": 100,
})
DEBIT_TYPES_EXAMPLE = OpenApiExample("What a kiosk sells", response_only=True, value={
    "archived": False, "can_be_invoiced": False, "can_be_sold": True, "code": "PRINT",
    "default_amount": 0.1, "description": "Printing",
})
PAYMENT_TYPES_EXAMPLE = OpenApiExample("Cash", response_only=True, value={
    "authorised_value_id": 1, "category_name": "PAYMENT_TYPE", "description": "Cash",
    "image_url": None, "opac_description": "Cash", "value": "CASH",
})
_LINE = {"cash_register_id": None, "checkout_id": None, "credit_number": None,
         "interface": "intranet", "internal_note": "", "item_id": None, "library_id": "CPL",
         "patron_id": 42, "status": None, "user_id": 51}
ACCOUNT_EXAMPLE = OpenApiExample("Two fines and an unspent credit", response_only=True, value={
    "balance": 5.5,
    "outstanding_credits": {"lines": [dict(sorted({
        **_LINE, "account_line_id": 131, "amount": -1, "amount_outstanding": -1,
        "credit_type": "CREDIT", "date": "2024-05-03T10:00:00+02:00", "debit_type": None,
        "description": "Goodwill", "payment_type": None,
        "timestamp": "2024-05-03T10:00:00+02:00"}.items()))], "total": -1},
    "outstanding_debits": {"lines": [dict(sorted({
        **_LINE, "account_line_id": 118, "amount": 5, "amount_outstanding": 5,
        "credit_type": None, "date": "2024-04-20T16:12:00+02:00", "debit_type": "OVERDUE",
        "description": "Overdue fine", "payment_type": None, "status": "RETURNED",
        "timestamp": "2024-04-21T00:00:03+02:00"}.items())), dict(sorted({
        **_LINE, "account_line_id": 140, "amount": 2.5, "amount_outstanding": 1.5,
        "credit_type": None, "date": "2024-05-06T11:30:00+02:00", "debit_type": "LOST",
        "description": "Lost item", "payment_type": None,
        "timestamp": "2024-05-07T09:00:00+02:00"}.items()))], "total": 6.5},
})


def permission_example(required) -> OpenApiExample:
    """A Koha API key's owner without the route's Koha permission."""
    return docs.error_example(err.MissingPermission(required),
                              required_permissions=describe(required))


LIST_ERROR_EXAMPLES = [
    docs.generic_example("invalid_per_page", "_per_page must be an integer from 1 to "
                         "2147483647, or -1 for all.", 400),
    docs.error_example(err.UnknownLibrary()),
    docs.error_example(err.LibraryOutOfScope()),
    docs.generic_example(UNSUPPORTED, "kohapay does not take Koha's q, _match or _order_by "
                         "here.", 400),
    *docs.UNAUTHORIZED_EXAMPLES, docs.UNAVAILABLE_EXAMPLE,
]
