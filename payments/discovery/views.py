"""Discovery for kiosks, in Koha's shapes and within the client's scope: the registers, debit
types and payment types a client may use, and what a patron owes (docs/api.md, "Discovery").

Validate the query → read the client's scope (``payments.discovery.scope``) and the rows
(``payments.discovery.selectors``) → render Koha's shape
(``payments.discovery.responses``) with Koha's pagination headers (``payments.pagination``).
No ORM call here. Authentication, the Koha permission of a Koha API key (``koha_permission``)
and the rate limit are the API's defaults, as for the intake; a dashboard session opens none of
these (they are kiosk routes).
"""
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from koha.identity.permissions import RECORD_PAYMENT
from payments import exceptions as err
from payments import openapi as api_docs
from payments import pagination
from payments.discovery import openapi as docs
from payments.discovery import scope as discovery_scope
from payments.discovery import selectors
from payments.discovery.responses import (
    KohaAuthorisedValueSerializer,
    KohaCashRegisterSerializer,
    KohaDebitTypeSerializer,
    KohaPatronBalanceSerializer,
)
from payments.views import path_id

# What a Koha API key's owner must hold: Koha's own requirement where Koha has the route
# (its x-koha-authorization), else RECORD_PAYMENT, the operation these reads serve.
# GET /cash_registers (parameters: manage_cash_registers) and GET /libraries/{id}/cash_registers
# (catalogue: 1) both list Koha's registers: either permission lets Koha show them.
SEE_CASH_REGISTERS = [{"parameters": "manage_cash_registers"}, {"catalogue": 1}]
# GET /patrons/{patron_id}/account (paths/patrons_account.yaml).
SEE_PATRON_ACCOUNT = {"borrowers": "edit_borrowers", "updatecharges": "remaining_permissions"}
KOHA_QUERY_PARAMETERS = ("q", "_match", "_order_by")  # Koha's; kohapay takes none of them
TRUE_FALSE = {"true": True, "false": False}


def library_param(params) -> str | None:
    """``library_id``: 1 to 10 printable characters (a branchcode), or absent."""
    if "library_id" not in params:
        return None
    value = params.get("library_id")
    if not 1 <= len(value) <= 10 or not value.isprintable():
        _refuse("library_id", "library_id must be 1 to 10 printable characters (a Koha "
                              "branchcode).")
    return value


def boolean_param(params, name: str, default: bool | None) -> bool | None:
    """``true`` or ``false`` (as JSON writes them), or absent."""
    if name not in params:
        return default
    value = TRUE_FALSE.get(params.get(name))
    if value is None:
        _refuse(name, f"{name} must be true or false.")
    return value


def refuse_koha_queries(request) -> None:
    """Refuse Koha's query language, which kohapay does not take (ignored, it would mislead)."""
    for name in KOHA_QUERY_PARAMETERS:
        if name in request.query_params:
            raise err.InvalidField(
                f"kohapay does not take Koha's {name} here; use the documented parameters.",
                code=docs.UNSUPPORTED,
                errors=[{"message": "Not supported.", "path": f"/query/{name}"}])


def _refuse(name: str, message: str):
    raise err.InvalidField(message, code=f"invalid_{name}",
                           errors=[{"message": message, "path": f"/query/{name}"}])


def scope_of(request, **asked) -> discovery_scope.DiscoveryScope:
    return discovery_scope.discovery_scope(client=request.user.client, owner=request.user.owner,
                                           **asked)


def paginated(request, page: pagination.PageRequest, result: selectors.Page,
              serializer) -> Response:
    return Response(serializer(result.rows, many=True).data,
                    headers=pagination.headers(request, page, total=result.total,
                                               base_total=result.base_total))


def list_schema(operation_id: str, summary: str, description: str, serializer, example,
                parameters: list, required) -> dict:
    return dict(
        operation_id=operation_id, tags=docs.TAGS, summary=summary, description=description,
        parameters=[*parameters, *docs.PAGINATION, *docs.PAGINATION_HEADERS],
        responses={200: OpenApiResponse(serializer(many=True), description="One page."),
                   400: docs.BAD_QUERY, 403: docs.OUT_OF_SCOPE, **docs.ERRORS},
        examples=[example, *docs.LIST_ERROR_EXAMPLES, docs.permission_example(required)],
    )


class CashRegistersView(APIView):
    """``/cash_registers``: the registers the client may use."""

    koha_permission = SEE_CASH_REGISTERS

    @extend_schema(**list_schema(
        "listCashRegisters", "The cash registers this client may use",
        "Koha's cash_register objects, by cash_register_id: the registers of the client's "
        "libraries (only those it is limited to, if any). Archived registers only with "
        "archived=true.", KohaCashRegisterSerializer, docs.REGISTERS_EXAMPLE,
        [docs.LIBRARY_ID, docs.ARCHIVED], SEE_CASH_REGISTERS))
    def get(self, request):
        refuse_koha_queries(request)
        params = request.query_params
        library_id, archived = library_param(params), boolean_param(params, "archived", False)
        scope = scope_of(request, library_id=library_id)
        library = discovery_scope.asked_library(scope, library_id)
        page = pagination.page_request(params, scope.page_size)
        result = selectors.cash_registers(scope, library=library, archived=archived, page=page)
        return paginated(request, page, result, KohaCashRegisterSerializer)


class DebitTypesView(APIView):
    """``/debit_types``: the debit types of the client's scope available at a library."""

    koha_permission = RECORD_PAYMENT  # Koha has no such route

    @extend_schema(**list_schema(
        "listDebitTypes", "The debit types this client may charge, at a library",
        "account_debit_types rows by code (the client's types only, if it is limited to "
        "some), available at library_id — else at the client's default library (a Koha key's "
        "owner's home library, a kohapay client's only one), else at any of its libraries — "
        "under Koha's library limits. Archived types only with archived=true.",
        KohaDebitTypeSerializer, docs.DEBIT_TYPES_EXAMPLE,
        [docs.LIBRARY_ID, docs.CAN_BE_SOLD, docs.ARCHIVED], RECORD_PAYMENT))
    def get(self, request):
        refuse_koha_queries(request)
        params = request.query_params
        library_id = library_param(params)
        archived = boolean_param(params, "archived", False)
        can_be_sold = boolean_param(params, "can_be_sold", None)
        scope = scope_of(request, library_id=library_id)
        library = discovery_scope.asked_library(scope, library_id)
        page = pagination.page_request(params, scope.page_size)
        result = selectors.debit_types(scope, library=library, archived=archived,
                                       can_be_sold=can_be_sold, page=page)
        return paginated(request, page, result, KohaDebitTypeSerializer)


class PaymentTypesView(APIView):
    """``/payment_types``: the PAYMENT_TYPE authorised values available at a library."""

    koha_permission = RECORD_PAYMENT  # Koha has no such route

    @extend_schema(**list_schema(
        "listPaymentTypes", "The payment types available at a library",
        "Koha's authorised_value objects of category PAYMENT_TYPE (value: the code an intake "
        "sends as payment_type; description: the staff label), in Koha's order (by label), "
        "available at library_id — else at the client's default library, else at any of its "
        "libraries — under Koha's library limits.",
        KohaAuthorisedValueSerializer, docs.PAYMENT_TYPES_EXAMPLE, [docs.LIBRARY_ID],
        RECORD_PAYMENT))
    def get(self, request):
        refuse_koha_queries(request)
        library_id = library_param(request.query_params)
        scope = scope_of(request, library_id=library_id)
        library = discovery_scope.asked_library(scope, library_id)
        page = pagination.page_request(request.query_params, scope.page_size)
        result = selectors.payment_types(scope, library=library, page=page)
        return paginated(request, page, result, KohaAuthorisedValueSerializer)


class PatronAccountView(APIView):
    """``/patrons/{patron_id}/account``: Koha's balance and outstanding lines of a patron."""

    koha_permission = SEE_PATRON_ACCOUNT  # Koha's own for this route

    @extend_schema(
        operation_id="getPatronAccount", tags=docs.TAGS,
        summary="What a patron owes: Koha's balance and outstanding lines",
        description="Koha's own answer for this route (patron_balance): the balance, and every "
                    "outstanding debit and credit with its total, oldest first, unpaginated "
                    "as in Koha. A patron of a library where the client may not act is a 404, "
                    "as an unknown one.",
        parameters=[api_docs.PATRON_ID],
        responses={200: KohaPatronBalanceSerializer,
                   400: api_docs.error_response("patron_id is not a positive integer."),
                   403: api_docs.error_response(
                       "A Koha API key whose owner lacks, in Koha, borrowers: edit_borrowers "
                       "and updatecharges: remaining_permissions (missing_permission).",
                       api_docs.MissingPermissionErrorSerializer),
                   404: api_docs.error_response("No such patron, or a patron of a library "
                                                 "where the client may not act."),
                   **docs.ERRORS},
        examples=[docs.ACCOUNT_EXAMPLE, api_docs.error_example(err.PatronNotFound()),
                  docs.permission_example(SEE_PATRON_ACCOUNT), *api_docs.UNAUTHORIZED_EXAMPLES,
                  api_docs.UNAVAILABLE_EXAMPLE],
    )
    def get(self, request, patron_id):
        patron_id = path_id(patron_id, "patron_id")
        scope = scope_of(request, patron_id=patron_id)
        account = selectors.patron_account(scope, patron_id)
        return Response(KohaPatronBalanceSerializer(account).data)

