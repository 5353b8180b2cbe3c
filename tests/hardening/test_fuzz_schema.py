"""Fuzzing with schemathesis against the live OpenAPI schema (``/api/v1/schema/``) of kohapay
served by gunicorn with production settings: well over 1,000 generated requests across every
operation — valid and schema-breaking data, with a valid token (or the dashboard session for the
register figures) and without one. No answer may be a 5xx, every answer must conform to the
schema (status, content type, body, headers), and schema-breaking data must be refused.

Bounded for CI: a fixed number of examples per operation, derandomized (the same requests every
run, so a failure is reproducible), no shrinking beyond Hypothesis' default."""
from collections import Counter

import pytest
import schemathesis
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from payments.services.clients import create_api_client
from registers.access import ensure_groups
from tests.factories import koha_debit
from tests.helpers import kohapay_server, server_token

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance, negative_data_rejection]
# (generation mode, authenticated?, examples per operation)
PASSES = [(GenerationMode.POSITIVE, True, 110), (GenerationMode.NEGATIVE, True, 90),
          (GenerationMode.POSITIVE, False, 25)]
VALID_INTAKE = {"debit_type": "PRINT", "amount": 2.5, "payment_type": "CASH", "register_id": 1}
DISCOVERY = [("/api/v1/cash_registers", {"library_id": "CPL", "_per_page": "1"}),
             ("/api/v1/debit_types", {"can_be_sold": "true", "_page": "1"}),
             ("/api/v1/payment_types", {"library_id": "CPL", "_per_page": "-1"})]


@pytest.fixture
def live(koha, settings_for_servers):
    """The §10 world, an API client and a finance user, and kohapay on its own port."""
    credentials = create_api_client(name="Fuzz kiosk", staff_patron_id=51, library_ids=["CPL"])
    rates = {"KOHAPAY_API_RATE": "100000/min", "KOHAPAY_TOKEN_RATE": "100000/min",
             "KOHAPAY_SECRET_KEY": settings.SECRET_KEY}  # so the test's session cookie is valid
    with kohapay_server("fuzz", workers=2, **rates) as port:
        yield {"port": port, "base_url": f"http://127.0.0.1:{port}",
               "bearer": {"Authorization": f"Bearer {server_token(port, credentials)}"},
               "session": {"Cookie": f"sessionid={finance_session()}"}}


@pytest.fixture
def settings_for_servers(settings):
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # what the server checks


def finance_session() -> str:
    """A dashboard session of a finance user, stored in the database the server reads."""
    user = User.objects.create_user("fuzz-finance")
    user.groups.add(ensure_groups()["Finance staff"])
    session = SessionStore()
    session.update({SESSION_KEY: str(user.pk), HASH_SESSION_KEY: user.get_session_auth_hash(),
                    BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend"})
    session.create()
    return session.session_key


def credentials_for(operation, live: dict) -> dict:
    if operation.path.endswith("/daily_totals"):
        return live["session"]  # register figures: dashboard users, never kiosk tokens
    return live["bearer"]  # the kiosks' routes, sales at a register among them


def fuzz(operation, mode, authenticated, examples, live, tally: Counter):
    headers = credentials_for(operation, live) if authenticated else {}

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                         phases=[Phase.generate, Phase.shrink],
                         suppress_health_check=list(HealthCheck))
    def run(case):
        response = case.call(base_url=live["base_url"], headers=headers, timeout=30)
        tally[response.status_code] += 1
        tally["requests"] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()


def test_fuzzing_the_live_schema_finds_no_5xx_and_no_schema_violation(live):
    schema = schemathesis.openapi.from_url(f"{live['base_url']}/api/v1/schema/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} >= {
        "POST /api/v1/patrons/{patron_id}/account/payments",
        "GET /api/v1/patrons/{patron_id}/account/payments",
        "GET /api/v1/patrons/{patron_id}/account/payments/{payment_id}",
        "POST /api/v1/oauth/token",
        "GET /api/v1/cash_registers/{cash_register_id}/daily_totals",
        "GET /api/v1/cash_registers", "GET /api/v1/debit_types", "GET /api/v1/payment_types",
        "GET /api/v1/patrons/{patron_id}/account",
        "GET /api/v1/cash_registers/{cash_register_id}/cashups",
        "POST /api/v1/cash_registers/{cash_register_id}/cashups",
        "POST /api/v1/cash_registers/{cash_register_id}/cashups/start",
        "GET /api/v1/cashups/{cashup_id}",
        "POST /api/v1/cash_registers/{cash_register_id}/settlements",
        "POST /api/v1/cash_registers/{cash_register_id}/sales",
        "GET /api/v1/cash_registers/{cash_register_id}/sales",
        "GET /api/v1/cash_registers/{cash_register_id}/sales/{sale_id}",
        "POST /api/v1/cash_registers/{cash_register_id}/sales/{sale_id}/refunds",
        "POST /api/v1/patrons/{patron_id}/account/payments/{payment_id}/refunds",
    }
    tally = Counter()
    for operation in operations:
        for mode, authenticated, examples in PASSES:
            fuzz(operation, mode, authenticated, examples, live, tally)
    tally.update(known_good_requests(schema, live))
    statuses = {code: n for code, n in tally.items() if code != "requests"}
    print(f"\nschemathesis: {tally['requests']} requests, statuses {sorted(statuses.items())}")
    assert tally["requests"] >= 1000
    assert not [code for code in statuses if code >= 500]
    assert statuses.get(201, 0) >= 1 and statuses.get(200, 0) >= 1  # success paths reached too


def known_good_requests(schema, live) -> Counter:
    """Requests the generator rarely builds (a valid intake needs Koha's real codes, a valid
    payment a debit the patron owes): the success answers must conform to the schema as well."""
    payments = "/api/v1/patrons/{patron_id}/account/payments"
    intake = {**live["bearer"], "Idempotency-Key": "fuzz-known-good"}
    tally = Counter()

    def send(path, method, headers, **parts):
        case = schema.make_case(operation=schema[path][method], **parts)
        response = case.call(base_url=live["base_url"], headers=headers, timeout=30)
        case.validate_response(response, checks=CHECKS, headers=headers)
        tally[response.status_code] += 1
        tally["requests"] += 1
        return response

    for _ in range(2):  # recorded, then replayed
        created = send(payments, "POST", intake, path_parameters={"patron_id": 42},
                       body=VALID_INTAKE, media_type="application/json")
    assert created.status_code == 201, created.text
    assert created.headers.get("idempotent-replayed") == ["true"], created.headers
    listed = send(payments, "GET", live["bearer"], path_parameters={"patron_id": 42})
    assert listed.json()[0]["payment_id"] == created.json()["payment_id"]
    found = send(f"{payments}/{{payment_id}}", "GET", live["bearer"],
                 path_parameters={"patron_id": 42, "payment_id": created.json()["payment_id"]})
    assert found.status_code == 200
    # a payment of debits the patron already owes (issue 15): the other body and answer
    fine = koha_debit(amount="4.00", at=timezone.now(), description="Fuzzed fine")
    paying = {**live["bearer"], "Idempotency-Key": "fuzz-known-good-pay"}
    for _ in range(2):
        paid = send(payments, "POST", paying, path_parameters={"patron_id": 42},
                    body={"amount": 2.5, "payment_type": "CASH", "register_id": 1,
                          "account_lines_ids": [fine.pk]}, media_type="application/json")
    assert paid.status_code == 201 and paid.json()["debits"][0]["amount_outstanding"] == 1.5
    listed = send(payments, "GET", live["bearer"], path_parameters={"patron_id": 42})
    assert {"debit", "debits"} <= {key for answer in listed.json() for key in answer}
    totals = send("/api/v1/cash_registers/{cash_register_id}/daily_totals", "GET",
                  live["session"], path_parameters={"cash_register_id": 1})
    assert totals.status_code == 200
    for path, query in DISCOVERY:  # the kiosk's discovery calls, answered and paginated
        found = send(path, "GET", live["bearer"], query=query)
        assert found.status_code == 200 and found.json(), (path, found.text)
    account = send("/api/v1/patrons/{patron_id}/account", "GET", live["bearer"],
                   path_parameters={"patron_id": 42})
    # the fine paid in part above is what patron 42 still owes
    assert account.status_code == 200 and account.json()["balance"] == 1.5
    assert [line["account_line_id"] for line in account.json()["outstanding_debits"]["lines"]] == [
        fine.pk]
    known_good_sales(send, live)
    known_good_refunds(send, live, payment_id=created.json()["payment_id"])
    return tally


def known_good_sales(send, live) -> None:
    """A sale (issue 16), replayed, then read back by id and by external_id."""
    sales = "/api/v1/cash_registers/{cash_register_id}/sales"
    selling = {**live["bearer"], "Idempotency-Key": "fuzz-known-good-sale"}
    body = {"payment_type": "CASH", "external_id": "fuzz-sale-1",
            "items": [{"debit_type": "PRINT", "price": 0.2, "quantity": 12}]}
    for _ in range(2):
        sold = send(sales, "POST", selling, path_parameters={"cash_register_id": 1}, body=body,
                    media_type="application/json")
    assert sold.status_code == 201 and sold.headers.get("idempotent-replayed") == ["true"]
    sale_id = sold.json()["sale_id"]
    found = send(f"{sales}/{{sale_id}}", "GET", live["bearer"],
                 path_parameters={"cash_register_id": 1, "sale_id": sale_id})
    assert found.status_code == 200
    listed = send(sales, "GET", live["bearer"], path_parameters={"cash_register_id": 1},
                  query={"external_id": "fuzz-sale-1"})
    assert [sale["sale_id"] for sale in listed.json()] == [sale_id]
    refunding = {**live["bearer"], "Idempotency-Key": "fuzz-known-good-sale-refund"}
    for _ in range(2):
        refunded = send(f"{sales}/{{sale_id}}/refunds", "POST", refunding,
                        path_parameters={"cash_register_id": 1, "sale_id": sale_id},
                        body={"amount": 1, "payout_type": "CASH", "reason": "printer jam"},
                        media_type="application/json")
    assert refunded.status_code == 201 and refunded.json()["refundable"] == 1.4


def known_good_refunds(send, live, payment_id: int) -> None:
    """The refund of the known-good payment (all of it), then a refund of nothing left."""
    refunds = "/api/v1/patrons/{patron_id}/account/payments/{payment_id}/refunds"
    path = {"patron_id": 42, "payment_id": payment_id}
    refunded = send(refunds, "POST", live["bearer"], path_parameters=path,
                    body={"payout_type": "CASH"}, media_type="application/json")
    assert refunded.status_code == 201 and refunded.json()["amount"] == 2.5
    nothing = send(refunds, "POST", live["bearer"], path_parameters=path,
                   body={"payout_type": "CASH"}, media_type="application/json")
    assert nothing.status_code == 400
