"""The sales routes in the API description: every status and header, the closed bodies (1 to 100
items), the answer's shape, and the Koha permission a Koha API key needs — the one the views
ask (``koha_permission``)."""
import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from koha.identity.permissions import SELL
from payments.sales.views import RegisterSalesView, RegisterSaleView

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
