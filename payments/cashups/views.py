"""The cashup API, in Koha's paths and shapes: ``GET /cash_registers/{id}/cashups``,
``GET /cashups/{id}`` and — kohapay's own, for back-office systems that close tills —
``POST /cash_registers/{id}/cashups``. Bearer tokens as the intake; Koha API keys need Koha's
``cash_management: cashup`` (Koha's rule for its cashup routes); every client stays within its
registers (``cashup_selectors.register_scope``). Validate → service or selector → render."""
import hashlib
import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from koha.identity.permissions import CASHUP
from payments.cashups import exceptions as err
from payments.cashups import selectors
from payments import exceptions as payment_err
from payments import openapi as docs
from payments.cashups.serializers import (
    CashupRequestSerializer,
    CashupResultSerializer,
    validated_cashup,
)
from core.money import AmountField, exact
from payments.cashups.summary import cashup_body, local, summary
from payments.services.cashups import record_cashup, start_cashup
from payments.services.idempotency import validate_idempotency_key
from payments.views import path_id

TAGS = ["cashups"]
DEFAULT_PER_PAGE = 20  # Koha's page size without RESTdefaultPageSize
MAX_PER_PAGE = 1000

REGISTER_ID = OpenApiParameter("cash_register_id", OpenApiTypes.INT, OpenApiParameter.PATH,
                               description="cash_registers.id")
CASHUP_ID = OpenApiParameter("cashup_id", OpenApiTypes.INT, OpenApiParameter.PATH,
                             description="cash_register_actions.id of a CASHUP")


def embed_parameter(*allowed: str) -> OpenApiParameter:
    return OpenApiParameter(
        "x-koha-embed", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
        enum=list(allowed), description="Koha's embed header: " + ", ".join(allowed))


def embeds(request, allowed: set[str]) -> set[str]:
    """The ``x-koha-embed`` header (comma-separated); Koha refuses what the route does not
    embed (an empty value too: it names nothing the route knows)."""
    header = request.headers.get("x-koha-embed")
    if header is None:
        return set()
    asked = {part.strip() for part in header.split(",")}
    unknown = asked - allowed
    if unknown:
        raise err.CashupError(
            f"x-koha-embed may only ask for {', '.join(sorted(allowed))}.", code="invalid_embed",
            errors=[{"message": "Not in enum list.", "path": "/header/x-koha-embed"}])
    return asked


def only_query(request, *known: str) -> None:
    """Koha's other list parameters (``q``, ``_match``, ``_order_by`` …) are not supported:
    refused rather than silently ignored, like any unknown parameter."""
    unknown = sorted(set(request.query_params) - set(known))
    if unknown:
        raise err.CashupError(
            f"Unknown query parameter: {', '.join(unknown)}.", code="unknown_parameter",
            errors=[{"message": "Unknown parameter.", "path": f"/query/{name}"}
                    for name in unknown])


def scoped_register(request, register_id: int):
    register = selectors.find_register(register_id)
    if register is None:
        raise err.CashRegisterNotFound()
    if not selectors.register_scope(request.user.client, request.user.owner).allows(register):
        raise payment_err.RegisterOutOfScope()
    return register


def page_params(request) -> tuple[int, int | None]:
    """Koha's ``_page`` (from 1) and ``_per_page`` (−1: all)."""
    def number(name, default, low, high):
        value = request.query_params.get(name)
        if value is None:
            return default
        if not value.lstrip("-").isdigit() or not (low <= int(value) <= high or (
                name == "_per_page" and value == "-1")):
            raise err.CashupError(f"{name} must be an integer from {low} to {high}"
                                  f"{' (or -1: all)' if name == '_per_page' else ''}.",
                                  code=f"invalid{name}",
                                  errors=[{"message": "Out of range.", "path": f"/query/{name}"}])
        return int(value)
    page = number("_page", 1, 1, 2**31 - 1)
    per_page = number("_per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    return (0, None) if per_page == -1 else ((page - 1) * per_page, per_page)


ERRORS = {
    400: docs.error_response("A bad id, an unknown or bad query parameter, or x-koha-embed."),
    403: docs.error_response("Outside the client's registers (register_not_allowed), or a Koha "
                             "API key whose owner lacks cash_management: cashup "
                             "(missing_permission).", docs.MissingPermissionErrorSerializer),
    **docs.COMMON_ERRORS,
}


class CashRegisterCashupsView(APIView):
    """``/cash_registers/{cash_register_id}/cashups``."""

    koha_permission = CASHUP

    @extend_schema(
        operation_id="listCashups", tags=TAGS, summary="List cashups of a cash register",
        description="Koha's route: the register's CASHUP actions, newest first, in Koha's "
                    "cashup shape, each with kohapay's reconciliation (null when not recorded "
                    "by kohapay). _page/_per_page as Koha (default 20).",
        parameters=[REGISTER_ID, embed_parameter("manager"),
                    OpenApiParameter("_page", {"type": "integer", "minimum": 1,
                                               "maximum": 2**31 - 1}),
                    OpenApiParameter("_per_page", {"type": "integer", "minimum": -1,
                                                   "maximum": MAX_PER_PAGE, "not": {"enum": [0]}},
                                     description="Cashups per page; -1: all."),
                    OpenApiParameter("X-Total-Count", OpenApiTypes.INT, OpenApiParameter.HEADER,
                                     response=[200], description="Cashups of the register.")],
        responses={200: CashupResultSerializer(many=True),
                   404: docs.error_response("No such register."), **ERRORS},
    )
    def get(self, request, cash_register_id):
        only_query(request, "_page", "_per_page")
        register = scoped_register(request, path_id(cash_register_id, "cash_register_id"))
        with_manager = "manager" in embeds(request, {"manager"})
        offset, limit = page_params(request)
        total, cashups = selectors.register_cashups(register.pk, offset=offset, limit=limit,
                                                    with_manager=with_manager)
        records = selectors.reconciliations([c.pk for c in cashups])
        extra = (lambda c: {"manager": c.manager}) if with_manager else (lambda c: {})
        body = [cashup_body(c, record=records.get(c.pk), **extra(c)) for c in cashups]
        return Response(body, headers={"X-Total-Count": str(total)})

    @extend_schema(
        operation_id="addCashup", tags=TAGS, summary="Cash up a register (kohapay)",
        description="Closes the register's session as Koha's add_cashup: classic Koha gets its "
                    "CASHUP row (amount = the session's signed total) and kohapay keeps the "
                    "counts; Koha with reconciliation (CASHUP_SURPLUS/CASHUP_DEFICIT types) "
                    "also gets a surplus or deficit line per payment type that differs. Counts "
                    "of payment types in CashupPaymentTypes (default CASH, SIP00). Safe to "
                    "retry with an Idempotency-Key.",
        parameters=[REGISTER_ID, docs.IDEMPOTENCY_KEY, docs.REPLAYED],
        request=CashupRequestSerializer,
        responses={
            201: OpenApiResponse(CashupResultSerializer, description="Cashed up (or the "
                                 "replay of an identical earlier request)."),
            400: docs.error_response("A bad body or count, a payment type not counted, a "
                                     "missing note, or nothing to cash up (empty_session)."),
            403: ERRORS[403], 404: docs.error_response("No such register."),
            409: docs.error_response("Someone cashed up the register meanwhile "
                                     "(session_changed): nothing was written."),
            415: docs.error_response("The body is not application/json."),
            422: docs.error_response("The Idempotency-Key was used for another request."),
            **docs.COMMON_ERRORS,
        },
    )
    def post(self, request, cash_register_id):
        only_query(request)
        register = scoped_register(request, path_id(cash_register_id, "cash_register_id"))
        key = validate_idempotency_key(request.headers.get("Idempotency-Key"))
        data = validated_cashup(request.data)
        client, owner = request.user.client, request.user.owner
        result = record_cashup(
            register_id=register.pk, manager_id=owner.borrowernumber if owner
            else client.staff_patron_id, client=client, idempotency_key=key,
            request_hash=_request_hash(register.pk, data), **data)
        action = selectors.cashup_action(result.cashup_id)
        body = cashup_body(action, record=selectors.reconciliations([action.pk])[action.pk])
        headers = {"Location": f"/api/v1/cashups/{action.pk}"}
        if result.replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(body, status=201, headers=headers)


class CashupStartSerializer(serializers.Serializer):
    """A two-phase cashup's CASHUP_START (``cash_register_actions``)."""

    cashup_start_id = serializers.IntegerField()
    cash_register_id = serializers.IntegerField()
    manager_id = serializers.IntegerField()
    amount = AmountField(help_text="The expected takings of the counted payment types.")
    timestamp = serializers.DateTimeField()


class CashupStartView(APIView):
    """``/cash_registers/{cash_register_id}/cashups/start``: the first phase of a two-phase
    cashup (Koha with reconciliation only)."""

    koha_permission = CASHUP

    @extend_schema(
        operation_id="startCashup", tags=TAGS, summary="Start a two-phase cashup (kohapay)",
        description="Koha's start_cashup: a CASHUP_START row freezes the session to be counted; "
                    "payments after it belong to the next session. Complete it with POST "
                    "…/cashups (the counts). Only on a Koha with reconciliation.",
        parameters=[REGISTER_ID], request=None,
        responses={201: CashupStartSerializer,
                   400: docs.error_response("Not a Koha with reconciliation "
                                            "(two_phase_unavailable), or nothing to cash up "
                                            "(empty_session)."),
                   403: ERRORS[403], 404: docs.error_response("No such register."),
                   409: docs.error_response("A cashup is already in progress."),
                   **docs.COMMON_ERRORS},
    )
    def post(self, request, cash_register_id):
        only_query(request)
        register = scoped_register(request, path_id(cash_register_id, "cash_register_id"))
        client, owner = request.user.client, request.user.owner
        started = selectors.action(start_cashup(
            register_id=register.pk,
            manager_id=owner.borrowernumber if owner else client.staff_patron_id))
        return Response({"cashup_start_id": started.pk,
                         "cash_register_id": started.register_id,
                         "manager_id": started.manager_id, "amount": exact(started.amount),
                         "timestamp": local(started.timestamp).isoformat()}, status=201)


class CashupView(APIView):
    """``/cashups/{cashup_id}``."""

    koha_permission = CASHUP

    @extend_schema(
        operation_id="getCashup", tags=TAGS, summary="Get a cashup",
        description="Koha's route and shape; x-koha-embed: summary adds Koha's summary "
                    "(Cashup::summary: the lines dated from the previous cashup to this one, "
                    "both included).",
        parameters=[CASHUP_ID, embed_parameter("summary")],
        responses={200: CashupResultSerializer,
                   404: docs.error_response("No such cashup."), **ERRORS},
    )
    def get(self, request, cashup_id):
        only_query(request)
        action = selectors.cashup_action(path_id(cashup_id, "cashup_id"))
        if action is None:
            raise err.CashupNotFound()
        if not selectors.register_scope(request.user.client, request.user.owner).allows(
                action.register):
            raise payment_err.RegisterOutOfScope()
        wanted = embeds(request, {"summary"})
        record = selectors.reconciliations([action.pk]).get(action.pk)
        return Response(cashup_body(action, record=record,
                                    summary=summary(action) if "summary" in wanted else None))


def _request_hash(register_id: int, data: dict) -> str:
    canonical = {"register_id": register_id, "note": data["note"],
                 "counted": {code: str(amount) for code, amount in data["counted"].items()}}
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()
