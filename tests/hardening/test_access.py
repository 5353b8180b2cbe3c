"""Scoped access: tokens (missing, malformed, expired, revoked), the client's scope, rate limits on
the token endpoint and the API (429 + Retry-After in Koha's shape), the dashboard's CSRF, session
and header defences, and production settings that pass ``check --deploy``."""
import os
import secrets
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken
from rest_framework.test import APIClient

from payments.services.clients import create_api_client
from registers.access import ensure_groups
from tests.helpers import TOKEN_URL, bearer_client, get_token, payments_url


def assert_koha_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error_code"] == code and body["error"].endswith("."), body
    return body


# --- tokens ------------------------------------------------------------------------------------
def test_missing_token_is_401(kiosk):
    response = APIClient().get(payments_url())
    assert_koha_error(response, 401, "unauthenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", [
    "Bearer", "Bearer ", "Bearer not-a-token", "Bearer a b", "Token {token}", "Basic {token}",
    "bearer{token}", "Bearer {token}x", "Bearer " + "x" * 5000,
])
def test_malformed_or_unknown_token_is_401(kiosk, header):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=header.format(token=kiosk.token))
    response = api.get(payments_url())
    assert response.status_code == 401, response.content
    assert response.json()["error_code"] in {"unauthenticated", "invalid_token"}
    assert response.json()["error"].endswith(".")


def test_expired_token_is_401(kiosk, pay):
    assert pay().status_code == 201
    AccessToken.objects.filter(token=kiosk.token).update(expires=timezone.now() - timedelta(seconds=1))
    assert_koha_error(pay(), 401, "invalid_token")


def test_revoked_token_is_401(kiosk, pay):
    AccessToken.objects.get(token=kiosk.token).revoke()
    assert_koha_error(pay(), 401, "invalid_token")


def test_kiosk_token_cannot_read_the_books(kiosk):
    """Tokens act for API clients; register figures are for finance and auditor users only."""
    response = kiosk.api.get("/api/v1/cash_registers/1/daily_totals")
    assert response.status_code == 401


# --- scope -------------------------------------------------------------------------------------
@pytest.mark.parametrize("overrides, code", [
    ({"library_id": "MPL", "register_id": None}, "library_not_allowed"),
    ({"register_id": "other"}, "register_not_allowed"),
    ({"debit_type": "COPY"}, "debit_type_not_allowed_for_client"),
])
def test_outside_the_clients_scope_is_403(koha, overrides, code):
    from tests.factories import DebitTypeFactory

    DebitTypeFactory(code="COPY")
    credentials = create_api_client(name="Print kiosk", staff_patron_id=51, library_ids=["CPL"],
                                    register_ids=[1], debit_type_codes=["PRINT"])
    if overrides.get("register_id") == "other":
        from tests.factories import CashRegisterFactory

        overrides = {"register_id": CashRegisterFactory(library=koha.cpl).pk}
    body = {"debit_type": "PRINT", "amount": "1.00", "payment_type": "CASH", "register_id": 1,
            **overrides}
    response = bearer_client(get_token(credentials)).post(payments_url(), body, format="json")
    assert_koha_error(response, 403, code)


def test_a_client_never_sees_another_clients_payment(koha, kiosk, pay):
    payment_id = pay().json()["payment_id"]
    other = create_api_client(name="Other kiosk", staff_patron_id=51, library_ids=["CPL"])
    api = bearer_client(get_token(other))
    assert_koha_error(api.get(payments_url(42, payment_id)), 404, "payment_not_found")
    assert api.get(payments_url(42)).json() == []


# --- rate limits -------------------------------------------------------------------------------
def token_request(client_id, secret, ip="10.1.1.1", **extra):
    return APIClient().post(TOKEN_URL, {"grant_type": "client_credentials", "client_id": client_id,
                                        "client_secret": secret}, REMOTE_ADDR=ip, **extra)


def assert_throttled(response) -> None:
    assert_koha_error(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60


def test_token_endpoint_throttles_guessing_per_client_id(one_minute_window, kiosk, settings):
    settings.KOHAPAY_TOKEN_RATE = "3/min"
    client_id = kiosk.credentials.client_id  # the kiosk fixture has asked once already
    for attempt in range(2):  # guesses from different addresses…
        assert token_request(client_id, f"guess-{attempt}", ip=f"10.0.0.{attempt}").status_code == 401
    # …the fourth is refused before the secret is even checked, the right one included
    assert_throttled(token_request(client_id, kiosk.credentials.client_secret, ip="10.0.0.9"))


def test_token_endpoint_throttles_guessing_per_address(one_minute_window, kiosk, settings):
    settings.KOHAPAY_TOKEN_RATE = "3/min"
    for attempt in range(3):  # different client ids from one address
        assert token_request(f"client-{attempt}", "guess").status_code == 401
    assert_throttled(token_request(kiosk.credentials.client_id, "guess"))
    # a forged X-Forwarded-For does not make a new address (no proxy is trusted by default)
    assert_throttled(token_request("client-x", "guess", HTTP_X_FORWARDED_FOR="203.0.113.7"))


def test_token_endpoint_counts_basic_authentication_per_client_id(one_minute_window, kiosk,
                                                                   settings):
    import base64

    settings.KOHAPAY_TOKEN_RATE = "3/min"  # the kiosk fixture has asked once already
    pair = base64.b64encode(f"{kiosk.credentials.client_id}:wrong".encode()).decode()
    for ip in ("10.2.0.1", "10.2.0.2"):
        response = APIClient().post(TOKEN_URL, {"grant_type": "client_credentials"},
                                    HTTP_AUTHORIZATION=f"Basic {pair}", REMOTE_ADDR=ip)
        assert response.status_code == 401
    assert_throttled(token_request(kiosk.credentials.client_id, "x", ip="10.2.0.3"))


def test_api_rate_limit_is_per_client(one_minute_window, koha, kiosk, pay, settings):
    settings.KOHAPAY_API_RATE = "3/min"
    assert [pay(key=f"r{i}").status_code for i in range(3)] == [201, 201, 201]
    before = kiosk.client.intakes.count()
    assert_throttled(pay(key="r3"))
    assert_throttled(kiosk.api.get(payments_url()))
    assert kiosk.client.intakes.count() == before  # a refused intake writes nothing
    other = create_api_client(name="Second kiosk", staff_patron_id=51, library_ids=["CPL"])
    assert bearer_client(get_token(other)).get(payments_url()).status_code == 200


# --- dashboard: CSRF, session, headers ---------------------------------------------------------
@pytest.fixture
def finance_user(db):
    user = User.objects.create_user("finance", password="correct horse battery")
    user.groups.add(ensure_groups()["Finance staff"])
    return user


def test_login_without_csrf_token_is_refused(finance_user):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "finance",
                                                "password": "correct horse battery"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_security_headers_on_pages_and_api(finance_user, kiosk):
    client = Client()
    page = client.get("/accounts/login/")
    api = kiosk.api.get(payments_url())
    for response in (page, api):
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
    assert client.login(username="finance", password="correct horse battery")
    overview = client.get("/registers/")
    assert overview.status_code == 200 and overview["X-Frame-Options"] == "DENY"


def test_session_cookie_is_httponly_and_samesite(finance_user):
    client = Client()
    page = client.get("/accounts/login/")
    token = page.cookies["csrftoken"].value
    client.post("/accounts/login/", {"username": "finance", "password": "correct horse battery",
                                     "csrfmiddlewaretoken": token})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_AGE <= 8 * 3600


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KOHAPAY_", "DJANGO_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "kohapay.settings", "KOHAPAY_DEBUG": "0",
                "KOHAPAY_SECRET_KEY": secrets.token_urlsafe(50),
                "KOHAPAY_ALLOWED_HOSTS": "pay.library.example",
                "DATABASE_URL": os.environ.get("DATABASE_URL", "mysql://root@127.0.0.1:3306/kohapay")
                .rsplit("/", 1)[0] + "/" + settings.DATABASES["default"]["NAME"], **extra})
    return env


def manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_settings(db):
    """DEBUG off, SECRET_KEY and ALLOWED_HOSTS from the environment, HTTPS on (the default)."""
    done = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_production_settings_are_https_ready_and_share_state_in_the_database(db):
    code = ("from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, "
            "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
            "s.CACHES['default']['BACKEND'].rsplit('.', 1)[-1], s.REST_FRAMEWORK['NUM_PROXIES'])")
    done = manage("shell", "-v", "0", "-c", code, env=production_env())
    assert done.returncode == 0, done.stderr
    # no per-process cache: shared state (rate limits included) lives in the database
    assert done.stdout.split() == ["False", "True", "True", "True", "31536000", "DummyCache", "0"]
    behind = manage("shell", "-v", "0", "-c", code, env=production_env(KOHAPAY_BEHIND_PROXY="1"))
    assert behind.stdout.split()[-1] == "1"  # X-Forwarded-For trusted only behind the proxy


def test_production_settings_refuse_to_start_without_a_secret_key(db):
    env = production_env()
    del env["KOHAPAY_SECRET_KEY"]
    done = manage("check", env=env)
    assert done.returncode != 0 and "KOHAPAY_SECRET_KEY" in done.stderr
