"""The sales and refunds routes in the API description: every status and header, the closed
bodies (1 to 100 items), the answers' shapes, and the Koha permission a Koha API key needs — the
one the views ask (``koha_permission``)."""
import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from koha.identity.permissions import ANONYMOUS_REFUND, REFUND, SELL
from payments.sales.views import (
    PaymentRefundsView,
    RegisterSalesView,
    RegisterSaleView,
    SaleRefundsView,
)

SALES = "/api/v1/cash_registers/{cash_register_id}/sales"
SALE = SALES + "/{sale_id}"


@pytest.fixture(scope="module")
def schema():
    generated = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(generated)
    return generated


def examples(operation, status: str) -> list:
    content = operation["responses"][status]["content"]["application/json"]
    return [example["value"] for example in content.get("examples", {}).values()]


def test_recording_a_sale_documents_every_status_and_header(schema):
    post = schema["paths"][SALES]["post"]
    assert {"201", "400", "401", "403", "404", "409", "413", "415", "422", "429", "500",
            "503"} <= set(post["responses"])
    assert "Idempotency-Key" in {p["name"] for p in post["parameters"] if p["in"] == "header"}
    assert {"Location", "Idempotent-Replayed"} <= set(post["responses"]["201"]["headers"])
    assert post["security"] == [{"clientCredentials": []}]
    codes = {v["error_code"] for v in examples(post, "400")}
    assert {"invalid_items", "unknown_property", "total_too_large", "debit_type_not_for_sale",
            "debit_type_archived", "unknown_debit_type", "invalid_payment_type"} <= codes
    assert {v["error_code"] for v in examples(post, "404")} == {"register_not_found"}


def test_the_sale_body_is_closed_and_holds_1_to_100_items(schema):
    components = schema["components"]["schemas"]
    body, item = components["SaleRequest"], components["SaleItemRequest"]
    assert body["additionalProperties"] is False and item["additionalProperties"] is False
    assert set(body["required"]) == {"payment_type", "items"}
    items = body["properties"]["items"]
    assert (items["minItems"], items["maxItems"]) == (1, 100)
    assert set(item["required"]) == {"debit_type", "price", "quantity"}
    assert (item["properties"]["quantity"]["minimum"],
            item["properties"]["quantity"]["maximum"]) == (1, 9999)


def test_the_answer_is_kohas_credit_and_a_debit_per_item(schema):
    result = schema["components"]["schemas"]["SaleResult"]
    assert set(result["required"]) == {"sale_id", "cash_register_id", "library_id",
                                       "payment_type", "external_id", "total", "credit",
                                       "debits", "offsets"}
    assert result["properties"]["credit"]["allOf"][0]["$ref"].endswith("/KohaCredit")
    assert result["properties"]["debits"]["items"]["$ref"].endswith("/KohaDebit")
    for path, method, status in [(SALES, "post", "201"), (SALES, "get", "200"),
                                 (SALE, "get", "200")]:
        answer = schema["paths"][path][method]["responses"][status]["content"][
            "application/json"]["schema"]
        ref = (answer["items"] if answer.get("type") == "array" else answer)["$ref"]
        assert ref.endswith("/SaleResult")


@pytest.mark.parametrize("path, method, view", [(SALES, "post", RegisterSalesView),
                                                (SALES, "get", RegisterSalesView),
                                                (SALE, "get", RegisterSaleView)])
def test_each_route_documents_the_koha_permission_its_view_asks(schema, path, method, view):
    assert view.koha_permission == SELL
    operation = schema["paths"][path][method]
    assert any(v.get("required_permissions") == SELL for v in examples(operation, "403"))
    assert "cash_management: takepayment" in operation["responses"]["403"]["description"]


PAYMENT_REFUNDS = "/api/v1/patrons/{patron_id}/account/payments/{payment_id}/refunds"
SALE_REFUNDS = SALE + "/refunds"


@pytest.mark.parametrize("path, view, permission, result", [
    (PAYMENT_REFUNDS, PaymentRefundsView, REFUND, "PaymentRefundResult"),
    (SALE_REFUNDS, SaleRefundsView, ANONYMOUS_REFUND, "SaleRefundResult")])
def test_each_refund_route_is_documented_with_its_koha_permission(schema, path, view,
                                                                  permission, result):
    post = schema["paths"][path]["post"]
    assert view.koha_permission == permission
    assert any(v.get("required_permissions") == permission for v in examples(post, "403"))
    assert {"201", "400", "401", "403", "404", "409", "413", "415", "422", "429", "500",
            "503"} <= set(post["responses"])
    answer = post["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    assert answer.endswith(f"/{result}")
    assert {v["error_code"] for v in examples(post, "400")} >= {
        "amount_exceeds_refundable", "invalid_amount", "register_required",
        "invalid_payment_type", "unknown_property"}
    assert {v["error_code"] for v in examples(post, "409")} >= {
        "payment_voided", "requires_koha", "concurrent_change"}
    assert next(v for v in examples(post, "400")
                if v["error_code"] == "amount_exceeds_refundable")["refundable"] == 1.5


def test_the_refund_body_is_closed_and_only_the_payout_type_is_required(schema):
    body = schema["components"]["schemas"]["RefundRequest"]
    assert body["additionalProperties"] is False
    assert body["required"] == ["payout_type"]
    assert set(body["properties"]) == {"amount", "payout_type", "cash_register_id", "reason"}
    lines = schema["components"]["schemas"]["RefundedLines"]["properties"]
    assert {name: lines[name]["allOf"][0]["$ref"].rsplit("/", 1)[1] for name in lines} == {
        "debit": "KohaDebit", "credit": "KohaCredit", "payout": "KohaDebit"}
