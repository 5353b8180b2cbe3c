"""No per-process state that matters: two gunicorn processes on two ports, one database, behave
as one server — idempotency, tokens and rate limits all live in the database. And a process that
cannot reach its database says so: /healthz 503, the API a JSON 503."""
import json
import threading

import pytest

from core.models import RateCounter
from koha.models import AccountLine
from payments.models import Intake
from payments.services.clients import create_api_client, set_client_active
from tests.helpers import call, kohapay_server, ledger_is_clean, server_token
from tools.bench.servers import LOG_DIR

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

API_RATE = 12  # per client per minute, for both servers
BODY = {"debit_type": "PRINT", "amount": "2.50", "payment_type": "CASH", "register_id": 1}
PAYMENTS = "/api/v1/patrons/42/account/payments"


@pytest.fixture(scope="module")
def two_servers(django_db_setup):
    rates = {"KOHAPAY_API_RATE": f"{API_RATE}/min", "KOHAPAY_TOKEN_RATE": "1000/min"}
    with kohapay_server("a", **rates) as a, kohapay_server("b", **rates) as b:
        yield a, b


@pytest.fixture
def client_credentials(koha, settings):
    # The servers run production settings: hash the secret the way they check it.
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    return create_api_client(name="Two-server kiosk", staff_patron_id=51, library_ids=["CPL"])


def bearer(value: str) -> dict:
    return {"Authorization": f"Bearer {value}"}


def test_both_processes_are_healthy(two_servers):
    for port in two_servers:
        assert call(port, "GET", "/healthz")[::2] == (200, {"status": "ok", "database": "ok"})


def test_a_token_from_one_process_works_on_the_other(two_servers, client_credentials):
    a, b = two_servers
    issued = server_token(a, client_credentials)
    assert call(b, "GET", PAYMENTS, headers=bearer(issued))[0] == 200
    set_client_active(client_credentials.client, False)  # revoked here, refused on both
    for port in two_servers:
        status, _, body = call(port, "GET", PAYMENTS, headers=bearer(issued))
        assert status == 401 and body["error_code"] == "invalid_token"


def test_one_key_sent_to_both_processes_at_once_makes_one_payment(two_servers, client_credentials):
    issued = server_token(two_servers[0], client_credentials)
    outcomes = []
    for round_ in range(5):
        barrier = threading.Barrier(2)
        answers = [None, None]

        def send(index, port, key=f"both-{round_}"):
            barrier.wait()
            answers[index] = call(port, "POST", PAYMENTS, BODY,
                                  {**bearer(issued), "Idempotency-Key": key})

        threads = [threading.Thread(target=send, args=(i, p)) for i, p in enumerate(two_servers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        statuses = sorted(answer[0] for answer in answers)
        assert statuses in ([201, 201], [201, 409]), answers
        replayed = [a for a in answers if a[1].get("idempotent-replayed") == "true"]
        assert len(replayed) == statuses.count(201) - 1
        outcomes.append(statuses)
    assert Intake.objects.count() == 5 and AccountLine.objects.count() == 10
    assert "OK: no anomaly." in ledger_is_clean()


def test_the_rate_limit_is_counted_across_processes(one_minute_window, two_servers,
                                                   client_credentials):
    a, b = two_servers
    issued = server_token(a, client_credentials)
    statuses = [call((a, b)[i % 2], "GET", PAYMENTS, headers=bearer(issued))[0]
                for i in range(API_RATE)]
    assert statuses == [200] * API_RATE  # half on each process: each saw only 6
    for port in two_servers:
        status, headers, body = call(port, "GET", PAYMENTS, headers=bearer(issued))
        assert status == 429 and body["error_code"] == "rate_limited"
        assert int(headers["retry-after"]) >= 1


def test_a_concurrent_burst_on_both_processes_gets_exactly_the_limit_through(
        one_minute_window, two_servers, client_credentials):
    """Three times the limit at once, alternately to each process: exactly the limit passes."""
    issued = server_token(two_servers[0], client_credentials)
    burst = 3 * API_RATE
    barrier = threading.Barrier(burst)
    statuses = [None] * burst

    def send(index):
        barrier.wait()
        statuses[index] = call(two_servers[index % 2], "GET", PAYMENTS, headers=bearer(issued))[0]

    threads = [threading.Thread(target=send, args=(i,)) for i in range(burst)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(statuses) == [200] * API_RATE + [429] * (2 * API_RATE)
    counter = RateCounter.objects.get(scope="api", ident=f"client-{client_credentials.client.pk}")
    assert counter.hits == burst


def test_a_process_without_its_database_answers_503(db):
    """Same settings, but the database does not answer (nothing listens on port 9)."""
    with kohapay_server("no-db", database_url="mysql://root@127.0.0.1:9/nowhere") as port:
        status, _, body = call(port, "GET", "/healthz")
        assert (status, body) == (503, {"status": "unavailable", "database": "unreachable"})
        status, headers, body = call(port, "POST", PAYMENTS, BODY, bearer("any-token"))
        assert status == 503 and body["error_code"] == "database_unavailable"
        assert headers["content-type"].startswith("application/json")
        assert int(headers["retry-after"]) > 0
    # …and the refusal has its JSON log line like any other intake
    logged = [json.loads(line) for line in (LOG_DIR / "gunicorn-hardening-no-db.log")
              .read_text().splitlines() if line.startswith('{"time"')]
    assert [(e["outcome"], e["error_code"], e["status"]) for e in logged] == [
        ("refused", "database_unavailable", 503)]
