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
    """Each refusal a client can meet is an example of the operation that answers it (sales
    and refunds have their own operations)."""
    documented = {
        example["value"]["error_code"]
        for path in schema["paths"].values()
        for operation in path.values()
        for response in operation["responses"].values()
        for example in response.get("content", {}).get("application/json", {}).get(
            "examples", {}).values()
        if isinstance(example["value"], dict) and "error_code" in example["value"]
    }
    internal = {"invalid_request", "payment_error", "forbidden", "not_found", "conflict"}
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


def test_the_body_is_one_of_a_charge_or_a_payment_of_existing_debits(schema):
    post = schema["paths"][INTAKE]["post"]
    components = schema["components"]["schemas"]
    ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert components[ref.rsplit("/", 1)[1]]["oneOf"] == [
        {"$ref": "#/components/schemas/PaymentIntakeRequest"},
        {"$ref": "#/components/schemas/PaymentOfDebitsRequest"}]
    paying = components["PaymentOfDebitsRequest"]
    assert paying["additionalProperties"] is False
    assert set(paying["required"]) == {"amount", "payment_type"}
    assert "debit_type" not in paying["properties"]
    assert paying["properties"]["account_lines_ids"] | {"description": "…", "example": []} == {
        "type": "array", "minItems": 1, "maxItems": 100, "uniqueItems": True,
        "items": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        "description": "…", "example": []}
    examples = post["requestBody"]["content"]["application/json"]["examples"].values()
    assert any("account_lines_ids" in e["value"] for e in examples)
    assert any("debit_type" in e["value"] for e in examples)


@pytest.mark.parametrize("path, method, status", [(INTAKE, "post", "201"), (INTAKE, "get", "200"),
                                                  (INTAKE + "/{payment_id}", "get", "200")])
def test_every_answer_is_one_of_the_two_results(schema, path, method, status):
    content = schema["paths"][path][method]["responses"][status]["content"]["application/json"]
    answer = content["schema"]
    ref = (answer["items"] if answer.get("type") == "array" else answer)["$ref"]
    results = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["oneOf"]
    assert results == [{"$ref": "#/components/schemas/PaymentIntakeResult"},
                       {"$ref": "#/components/schemas/PaymentOfDebitsResult"}]
    paid = schema["components"]["schemas"]["PaymentOfDebitsResult"]
    assert set(paid["required"]) == {"payment_id", "patron_id", "external_id", "balance",
                                     "credit", "debits", "offsets"}
    assert {"debit", "debits"} & set(schema["components"]["schemas"]["PaymentIntakeResult"][
        "required"]) == {"debit"}  # each answer matches exactly one of the two
    values = example_values(schema["paths"][path][method], status)
    flat = [item for v in values for item in (v if isinstance(v, list) else [v])]
    assert any("debits" in v for v in flat) and any("debit" in v for v in flat)


def test_the_new_refusals_are_documented_with_their_status(schema):
    post = schema["paths"][INTAKE]["post"]
    by_status = {status: {v["error_code"] for v in example_values(post, status)
                          if "error_code" in v} for status in ("400", "409")}
    assert {"ambiguous_payment", "invalid_account_lines_ids", "invalid_account_line",
            "amount_exceeds_outstanding"} <= by_status["400"]
    assert {"requires_koha", "concurrent_change"} <= by_status["409"]
    exceeding = next(v for v in example_values(post, "400")
                     if v["error_code"] == "amount_exceeds_outstanding")
    assert exceeding["outstanding"] == 9
    error = schema["components"]["schemas"]["PaymentRuleError"]
    assert "outstanding" in error["properties"]
