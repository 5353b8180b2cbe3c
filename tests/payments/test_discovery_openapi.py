"""The discovery routes in the OpenAPI description: every status, Koha's pagination parameters
and headers, the kiosk's security scheme, and each route's Koha requirement for API keys both
in its view (``koha_permission``) and in its documented 403."""
import pytest
from drf_spectacular.generators import SchemaGenerator

from koha.identity.permissions import RECORD_PAYMENT
from payments.discovery import (
    CashRegistersView,
    DebitTypesView,
    PatronAccountView,
    PaymentTypesView,
)

LISTS = {"/api/v1/cash_registers": ("listCashRegisters", CashRegistersView),
         "/api/v1/debit_types": ("listDebitTypes", DebitTypesView),
         "/api/v1/payment_types": ("listPaymentTypes", PaymentTypesView)}
ACCOUNT = "/api/v1/patrons/{patron_id}/account"
# Koha's x-koha-authorization of the same read where Koha has the route, else RECORD_PAYMENT.
KOHA_REQUIREMENT = {
    CashRegistersView: [{"parameters": "manage_cash_registers"}, {"catalogue": 1}],
    DebitTypesView: RECORD_PAYMENT,
    PaymentTypesView: RECORD_PAYMENT,
    PatronAccountView: {"borrowers": "edit_borrowers", "updatecharges": "remaining_permissions"},
}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def examples(operation, status: str) -> list[dict]:
    content = operation["responses"][status]["content"]["application/json"]
    return [example["value"] for example in content.get("examples", {}).values()]


@pytest.mark.parametrize("path", LISTS)
def test_each_list_documents_every_status_parameter_and_header(schema, path):
    get = schema["paths"][path]["get"]
    assert get["operationId"] == LISTS[path][0]
    assert set(get["responses"]) == {"200", "400", "401", "403", "429", "500", "503"}
    assert {"_page", "_per_page", "library_id"} <= {p["name"] for p in get["parameters"]}
    assert set(get["responses"]["200"]["headers"]) == {"X-Total-Count", "X-Base-Total-Count",
                                                       "Link"}
    assert get["security"] == [{"clientCredentials": []}]
    codes = {example["error_code"] for status in ("400", "401", "403", "503")
             for example in examples(get, status)}
    assert {"invalid_per_page", "unknown_library", "unsupported_query_parameter",
            "library_not_allowed", "missing_permission", "unauthenticated",
            "database_unavailable"} <= codes


def test_the_account_documents_every_status(schema):
    get = schema["paths"][ACCOUNT]["get"]
    assert get["operationId"] == "getPatronAccount"  # Koha's own operation
    assert set(get["responses"]) == {"200", "400", "401", "403", "404", "429", "500", "503"}
    assert get["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/KohaPatronBalance"}
    assert {p["name"] for p in get["parameters"]} == {"patron_id"}  # unpaginated, as Koha


@pytest.mark.parametrize("view", KOHA_REQUIREMENT)
def test_each_views_koha_requirement_is_the_one_documented(schema, view):
    assert view.koha_permission == KOHA_REQUIREMENT[view]
    path = next((p for p, (_, v) in LISTS.items() if v is view), ACCOUNT)
    [denied] = [e for e in examples(schema["paths"][path]["get"], "403")
                if e["error_code"] == "missing_permission"]
    assert denied["required_permissions"] == KOHA_REQUIREMENT[view]


def test_the_page_parameters_carry_kohas_ranges(schema):
    parameters = {p["name"]: p["schema"] for p in
                  schema["paths"]["/api/v1/cash_registers"]["get"]["parameters"]}
    assert parameters["_page"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    assert {"type": "integer", "enum": [-1]} in parameters["_per_page"]["oneOf"]
    assert parameters["archived"] == {"type": "boolean"}
    assert parameters["library_id"] == {"type": "string", "minLength": 1, "maxLength": 10}
