"""The API description: builds and validates without warnings (as CI's `make schema`), documents
every status, header and error code of the intake, and the docs page works offline."""
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from payments import exceptions as err

INTAKE = "/api/v1/patrons/{patron_id}/account/payments"


@pytest.fixture(scope="module")
def schema():
    generated = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(generated)
    return generated


def test_spectacular_validates_without_warnings(tmp_path):
    target = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target),
                 stdout=StringIO())
    assert INTAKE in yaml.safe_load(target.read_text())["paths"]


def test_intake_documents_every_status_and_header(schema):
    post = schema["paths"][INTAKE]["post"]
    assert {"201", "400", "401", "403", "404", "409", "415", "422", "500", "503"} <= set(
        post["responses"])
    headers = {p["name"] for p in post["parameters"] if p["in"] == "header"}
    assert "Idempotency-Key" in headers
    assert {"Location", "Idempotent-Replayed"} <= set(post["responses"]["201"]["headers"])
    assert "Retry-After" in post["responses"]["503"]["headers"]
    assert post["security"] == [{"clientCredentials": []}]
    body = schema["components"]["schemas"]["PaymentIntakeRequest"]
    assert body["additionalProperties"] is False
    assert set(body["required"]) == {"debit_type", "amount", "payment_type"}


def every_leaf(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from every_leaf(sub)


def test_every_client_facing_error_code_has_an_example(schema):
    post = schema["paths"][INTAKE]["post"]
    documented = {
        example["value"]["error_code"]
        for response in post["responses"].values()
        for example in response["content"]["application/json"].get("examples", {}).values()
        if "error_code" in example["value"]
    }
    internal = {"invalid_request", "payment_error", "forbidden", "not_found", "conflict",
                "payment_not_found"}
    codes = {cls.default_code for cls in every_leaf(err.PaymentError) if cls.default_code}
    assert codes - internal <= documented, codes - internal - documented


def test_debit_and_credit_components_are_kohas(schema):
    components = schema["components"]["schemas"]
    assert set(components["KohaDebit"]["properties"]) == {
        "account_line_id", "amount", "amount_outstanding", "cash_register_id", "checkout_id",
        "date", "description", "interface", "internal_note", "item_id", "library_id",
        "patron_id", "payout_type", "status", "timestamp", "type", "user_id"}
    assert set(components["KohaCredit"]["properties"]) == {
        "account_line_id", "amount", "amount_outstanding", "cash_register_id", "credit_number",
        "date", "description", "interface", "internal_note", "library_id", "patron_id",
        "payment_type", "status", "timestamp", "type", "user_id"}


def test_token_endpoint_is_documented(schema):
    token = schema["paths"]["/api/v1/oauth/token"]["post"]
    assert "application/x-www-form-urlencoded" in token["requestBody"]["content"]
    flows = schema["components"]["securitySchemes"]["clientCredentials"]["flows"]
    assert flows["clientCredentials"]["tokenUrl"] == "/api/v1/oauth/token"


def test_schema_and_offline_docs_are_served(client):
    assert client.get("/api/v1/schema/").status_code == 200
    assert client.get("/api/v1/schema/?format=json").json()["paths"][INTAKE]
    page = client.get("/api/v1/docs/").content.decode()
    assert "cdn.jsdelivr" not in page and "unpkg" not in page
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    bundle = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert bundle.status_code == 200


def example_values(operation, status: str) -> list[dict]:
    content = operation["responses"][status]["content"]["application/json"]
    return [example["value"] for example in content.get("examples", {}).values()]


def test_token_endpoint_documents_koha_api_keys(schema):
    token = schema["paths"]["/api/v1/oauth/token"]["post"]
    assert "Koha API key" in token["description"] and "HTTP Basic" in token["description"]
    assert {"200", "400", "401", "403", "429"} <= set(token["responses"])
    assert {"error": "Unimplemented grant type",
            "error_code": "unsupported_grant_type"} in example_values(token, "400")
    assert {(v["error"], v["error_code"]) for v in example_values(token, "403")} == {
        ("unauthorized_client", "unauthorized_client"), ("access_denied", "access_denied")}
    koha_token = [v for v in example_values(token, "200") if "scope" not in v]
    assert koha_token and set(koha_token[0]) == {"access_token", "token_type", "expires_in"}
    request = schema["components"]["schemas"]["TokenRequest"]
    assert request["required"] == ["grant_type"]  # the credentials may come in a Basic header


@pytest.mark.parametrize("path, method", [(INTAKE, "post"), (INTAKE, "get"),
                                          (INTAKE + "/{payment_id}", "get")])
def test_every_payment_operation_documents_missing_permission(schema, path, method):
    operation = schema["paths"][path][method]
    assert {"error": "Authorization failure. Missing required permission(s).",
            "error_code": "missing_permission",
            "required_permissions": {"updatecharges": "remaining_permissions"}
            } in example_values(operation, "403")
    ref = operation["responses"]["403"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/MissingPermissionError")
