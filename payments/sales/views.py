"""The sales and refunds routes: validate → call the service or a selector → render. No ORM
call here.

A Koha API key's owner needs Koha's own permission for the same operation (``koha_permission``):
``cash_management: takepayment`` to sell and to read its sales (``pos/pay.pl``);
``updatecharges: refund`` to refund a patron's payment (``members/boraccount.pl``);
``cash_management: anonymous_refund`` to refund a sale (``pos/register.pl``).
"""
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from koha.identity.permissions import ANONYMOUS_REFUND, REFUND, SELL
from payments import exceptions as err
from payments import openapi as api_docs
from payments.intake_log import IntakeLogMixin
from payments.sales import openapi as docs
from payments.sales import selectors
from payments.sales.responses import (
    PaymentRefundResultSerializer,
    SaleRefundResultSerializer,
    SaleResultSerializer,
)
from payments.sales.serializers import (
    RefundRequestSerializer,
    SaleRequestSerializer,
    validated_refund,
    validated_sale,
)
from payments.serializers import PaymentListQuerySerializer, asked_external_id
from payments.services.idempotency import fingerprint, validate_idempotency_key
from payments.services.refund import refund_payment, refund_sale
from payments.services.sale import record_sale
from payments.views import path_id

TAGS = ["sales"]


def sale_location(register_id: int, sale_id: int) -> str:
    return reverse("payments:sale", kwargs={"cash_register_id": register_id, "sale_id": sale_id})


class RegisterSalesView(IntakeLogMixin, APIView):
    """``/cash_registers/{cash_register_id}/sales``: record a sale, or find the client's own."""

    koha_permission = SELL

    @extend_schema(
        operation_id="recordSale", tags=TAGS,
        summary="Record a sale without a patron at a register (Koha's point of sale)",
        description=docs.SALE_DESCRIPTION,
        parameters=[docs.CASH_REGISTER_ID, api_docs.IDEMPOTENCY_KEY, docs.SALE_LOCATION,
                    api_docs.REPLAYED, api_docs.RETRY_AFTER],
        request=SaleRequestSerializer, responses=docs.sale_responses(),
        examples=docs.sale_examples(),
    )
    def post(self, request, cash_register_id):
        register_id = path_id(cash_register_id, "cash_register_id")
        key = validate_idempotency_key(request.headers.get("Idempotency-Key"))
        data = validated_sale(request.data)
        result = record_sale(
            client=request.user.client, owner=request.user.owner, register_id=register_id,
            idempotency_key=key,
            request_hash=fingerprint({"sale_at_register": register_id}, data), **data,
        )
        headers = {"Location": sale_location(register_id, result.payment_id)}
        if result.replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(result.body, status=result.status_code, headers=headers)

    @extend_schema(
        operation_id="listSales", tags=TAGS,
        summary="The client's own sales at a register (newest first, at most 100)",
        description="With external_id: the sale recorded with that reference, if any — how a "
                    "kiosk whose request timed out learns whether it landed.",
        parameters=[docs.CASH_REGISTER_ID, PaymentListQuerySerializer],
        responses={200: SaleResultSerializer(many=True),
                   400: api_docs.error_response("A bad external_id or cash_register_id."),
                   **docs.SELL_PERMISSION, **api_docs.COMMON_ERRORS},
        examples=[docs.SALE_RESULT_EXAMPLE, *api_docs.UNAUTHORIZED_EXAMPLES,
                  docs.SELL_PERMISSION_EXAMPLE, api_docs.UNAVAILABLE_EXAMPLE],
    )
    def get(self, request, cash_register_id):
        register_id = path_id(cash_register_id, "cash_register_id")
        sales = selectors.client_sales(request.user.client, register_id=register_id,
                                       external_id=asked_external_id(request.query_params))
        return Response([sale.response_body for sale in sales])


class RegisterSaleView(APIView):
    """``/cash_registers/{cash_register_id}/sales/{sale_id}``: one of the client's sales."""

    koha_permission = SELL

    @extend_schema(
        operation_id="getSale", tags=TAGS,
        summary="A sale this client recorded, with the body of its 201",
        parameters=[docs.CASH_REGISTER_ID, docs.SALE_ID],
        responses={200: SaleResultSerializer,
                   400: api_docs.error_response("A bad cash_register_id or sale_id."),
                   404: api_docs.error_response("No such sale recorded by this client at this "
                                                "register."),
                   **docs.SELL_PERMISSION, **api_docs.COMMON_ERRORS},
        examples=[docs.SALE_RESULT_EXAMPLE, *api_docs.UNAUTHORIZED_EXAMPLES,
                  api_docs.error_example(err.SaleNotFound()), docs.SELL_PERMISSION_EXAMPLE,
                  api_docs.UNAVAILABLE_EXAMPLE],
    )
    def get(self, request, cash_register_id, sale_id):
        sale = selectors.client_sale(
            request.user.client, register_id=path_id(cash_register_id, "cash_register_id"),
            sale_id=path_id(sale_id, "sale_id"))
        if sale is None:
            raise err.SaleNotFound()
        return Response(sale.response_body)


class PaymentRefundsView(IntakeLogMixin, APIView):
    """``/patrons/{patron_id}/account/payments/{payment_id}/refunds``: give back money of one of
    the client's payments. A Koha API key's owner needs ``updatecharges: refund`` (Koha's for
    refunding a patron's charge)."""

    koha_permission = REFUND

    @extend_schema(
        operation_id="refundPatronPayment", tags=["payments"],
        summary="Refund (part of) a payment this client recorded, through a register",
        description=docs.PAYMENT_REFUND_DESCRIPTION,
        parameters=[api_docs.PATRON_ID, api_docs.PAYMENT_ID, api_docs.IDEMPOTENCY_KEY,
                    api_docs.REPLAYED, api_docs.RETRY_AFTER],
        request=RefundRequestSerializer,
        responses=docs.refund_responses(PaymentRefundResultSerializer, "updatecharges: refund",
                                        "No such patron, or no such payment recorded by this "
                                        "client for the patron."),
        examples=docs.refund_examples(
            docs.PAYMENT_REFUND_EXAMPLE,
            api_docs.error_example(err.MissingPermission(REFUND),
                                   required_permissions=REFUND),
            err.PaymentNotFound()),
    )
    def post(self, request, patron_id, payment_id):
        patron_id = path_id(patron_id, "patron_id")
        payment_id = path_id(payment_id, "payment_id")
        key = validate_idempotency_key(request.headers.get("Idempotency-Key"))
        data = validated_refund(request.data)
        target = {"refund_of_payment": payment_id, "patron_id": patron_id}
        result = refund_payment(
            client=request.user.client, owner=request.user.owner, patron_id=patron_id,
            payment_id=payment_id, idempotency_key=key,
            request_hash=fingerprint(target, data), **data,
        )
        return _answer(result)


class SaleRefundsView(IntakeLogMixin, APIView):
    """``/cash_registers/{cash_register_id}/sales/{sale_id}/refunds``: give back money of one of
    the client's sales. A Koha API key's owner needs ``cash_management: anonymous_refund``
    (Koha's for refunding at the register page)."""

    koha_permission = ANONYMOUS_REFUND

    @extend_schema(
        operation_id="refundSale", tags=TAGS,
        summary="Refund (part of) a sale this client recorded, through a register",
        description=docs.SALE_REFUND_DESCRIPTION,
        parameters=[docs.CASH_REGISTER_ID, docs.SALE_ID, api_docs.IDEMPOTENCY_KEY,
                    api_docs.REPLAYED, api_docs.RETRY_AFTER],
        request=RefundRequestSerializer,
        responses=docs.refund_responses(SaleRefundResultSerializer,
                                        "cash_management: anonymous_refund",
                                        "No such sale recorded by this client at this "
                                        "register."),
        examples=docs.refund_examples(
            docs.SALE_REFUND_EXAMPLE,
            api_docs.error_example(err.MissingPermission(ANONYMOUS_REFUND),
                                   required_permissions=ANONYMOUS_REFUND),
            err.SaleNotFound()),
    )
    def post(self, request, cash_register_id, sale_id):
        register_id = path_id(cash_register_id, "cash_register_id")
        sale_id = path_id(sale_id, "sale_id")
        key = validate_idempotency_key(request.headers.get("Idempotency-Key"))
        data = validated_refund(request.data)
        target = {"refund_of_sale": sale_id, "at_register": register_id}
        result = refund_sale(
            client=request.user.client, owner=request.user.owner, register_id=register_id,
            sale_id=sale_id, idempotency_key=key, request_hash=fingerprint(target, data),
            **data,
        )
        return _answer(result)


def _answer(result) -> Response:
    headers = {"Idempotent-Replayed": "true"} if result.replayed else {}
    return Response(result.body, status=result.status_code, headers=headers)
