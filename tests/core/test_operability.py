"""Operability: one JSON log line per intake (created, replayed, refused), never a secret in the
logs or the repository, /healthz, and Koha-shaped answers for unknown API paths."""
import json
import logging
import re
import subprocess

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from payments.intake_log import IntakeJsonFormatter
from tests.helpers import TOKEN_URL, pay_body, payments_url


@pytest.fixture
def intake_lines(caplog):
    """The kohapay.intake events logged during the test, as the JSON lines operators see."""
    caplog.set_level(logging.INFO, logger="kohapay.intake")
    formatter = IntakeJsonFormatter("%(message)s")

    def lines() -> list[dict]:
        return [json.loads(formatter.format(r)) for r in caplog.records
                if r.name == "kohapay.intake" and isinstance(r.msg, dict)]

    return lines


def test_one_json_line_per_intake_with_its_outcome(kiosk, pay, intake_lines):
    created = pay(key="log-1", external_id="ext-1")
    pay(key="log-1", external_id="ext-1")  # replay
    pay(key="log-2", amount="-1")  # refused
    lines = intake_lines()
    assert [line["outcome"] for line in lines] == ["created", "replayed", "refused"]
    first = lines[0]
    assert first["client"] == "Kiosk CPL" and first["client_id"] == kiosk.client.pk
    assert first["patron_id"] == 42 and first["payment_id"] == created.json()["payment_id"]
    assert first["amount"] == "2.5" and first["idempotency_key"] == "log-1"
    assert first["status"] == 201 and first["error_code"] is None
    assert first["duration_ms"] > 0 and first["logger"] == "kohapay.intake"
    assert lines[1]["payment_id"] == first["payment_id"]
    assert lines[2]["error_code"] == "invalid_amount" and lines[2]["status"] == 400
    assert lines[2]["amount"] == "-1" and lines[2]["payment_id"] is None


def test_a_payment_of_existing_debits_logs_the_amount_paid(debts, pay, intake_lines):
    pay(pay_body("7.50", debts.hobbit.pk, debts.dune.pk), key="log-pay")
    pay(pay_body("7.50", debts.hobbit.pk, debts.dune.pk), key="log-pay")
    [created, replayed] = intake_lines()
    assert (created["outcome"], created["amount"]) == ("created", "7.5")
    assert (replayed["outcome"], replayed["amount"]) == ("replayed", "7.5")


def test_unauthenticated_and_throttled_intakes_are_logged_too(one_minute_window, kiosk, pay,
                                                              intake_lines, settings):
    Client().post(payments_url(), b"{}", content_type="application/json")
    settings.KOHAPAY_API_RATE = "1/min"
    pay(key="t1")
    pay(key="t2")
    codes = [(line["client"], line["error_code"]) for line in intake_lines()]
    assert codes == [(None, "unauthenticated"), ("Kiosk CPL", None), ("Kiosk CPL", "rate_limited")]


def test_no_secret_or_token_in_any_log(kiosk, pay, caplog):
    """Everything logged (all loggers, DEBUG) while getting tokens, failing to, paying and being
    refused: neither the client secret nor an access token appears."""
    caplog.set_level(logging.DEBUG)
    secret = kiosk.credentials.client_secret
    client = Client()
    issued = client.post(TOKEN_URL, {"grant_type": "client_credentials", "client_id":
                                     kiosk.credentials.client_id, "client_secret": secret})
    token = issued.json()["access_token"]
    client.post(TOKEN_URL, {"grant_type": "client_credentials", "client_id":
                            kiosk.credentials.client_id, "client_secret": secret + "x"})
    pay(key="s1")
    pay(key="s2", amount="nope")
    Client(HTTP_AUTHORIZATION=f"Bearer {token}x").get(payments_url())
    text = caplog.text + "".join(IntakeJsonFormatter().format(r) for r in caplog.records)
    assert caplog.records, "nothing was logged at all"
    for value in (secret, token, kiosk.token, f"{token}x"):
        assert value not in text


SECRET_PATTERNS = [
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    # a literal assigned to a secret-looking name (not an env lookup or a placeholder)
    re.compile(r"""(?i)(secret|password|passwd|token|api_key)\w*["']?\s*[:=]\s*["']"""
               r"""([A-Za-z0-9+/_\-]{24,})["']"""),
]
ALLOWED = {"tests-only-key-not-used-anywhere-else-0123456789"}  # tests/settings.py, by name


def test_no_secret_in_the_repository():
    files = subprocess.run(["git", "ls-files"], cwd=settings.BASE_DIR, capture_output=True,
                           text=True, check=True).stdout.split()
    found = []
    for name in files:
        path = settings.BASE_DIR / name
        if not path.is_file() or path.suffix in {".png", ".ico", ".woff2", ".sqlite3"}:
            continue
        text = path.read_text(errors="ignore")
        for pattern in SECRET_PATTERNS:
            for match in pattern.finditer(text):
                if match.groups() and match.group(match.lastindex) in ALLOWED:
                    continue
                found.append(f"{name}: {match.group(0)[:60]}")
    assert not found, found


def test_healthz_reports_the_database(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert Client().post("/healthz").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_healthz_notices_a_dropped_connection_and_reconnects_on_the_next_probe(caplog):
    connection.ensure_connection()
    connection.connection.close()  # the server went away under a kept connection
    with caplog.at_level(logging.WARNING, logger="kohapay.health"):
        response = Client().get("/healthz")
    assert (response.status_code, response.json()["database"]) == (503, "unreachable")
    assert "kohapay.health" in [r.name for r in caplog.records]  # the logger operators filter on
    assert Client().get("/healthz").status_code == 200


def test_unknown_api_path_is_a_koha_shaped_404(db):
    response = Client().get("/api/v1/nothing/here")
    assert response.status_code == 404
    assert response.json() == {"error": "Not found.", "error_code": "not_found"}
    assert Client().get("/no/such/page").status_code == 404  # pages keep Django's HTML 404
