"""Fixtures of the payment API tests: a client of the §10 world, a token from the real token
endpoint, and a row counter over every table an intake could touch."""
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from rest_framework.test import APIClient

from payments.services.clients import create_api_client

TOKEN_URL = "/api/v1/oauth/token"


def payments_url(patron_id=42, payment_id=None) -> str:
    url = f"/api/v1/patrons/{patron_id}/account/payments"
    return url if payment_id is None else f"{url}/{payment_id}"


def get_token(credentials) -> str:
    response = APIClient().post(TOKEN_URL, {
        "grant_type": "client_credentials", "client_id": credentials.client_id,
        "client_secret": credentials.client_secret,
    })
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def bearer_client(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def table_row_counts(tables: list[str]) -> dict[str, int]:
    """COUNT(*) of each named table, with plain SQL (tables without a model included)."""
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM `{table}`")
            counts[table] = cursor.fetchone()[0]
    return counts


def row_counts() -> dict[str, int]:
    """Rows in every Koha table kohapay maps and in kohapay's intake table."""
    models = [m for m in apps.get_app_config("payments").get_models()]
    models += list(apps.get_app_config("registers").get_models())
    return {m._meta.db_table: m.objects.count() for m in models
            if not m._meta.managed or m._meta.db_table == "kohapay_intake"}


@pytest.fixture
def kiosk(koha):
    """API client "Kiosk CPL" acting as staff patron 51 at CPL, with a live token."""
    credentials = create_api_client(name="Kiosk CPL", staff_patron_id=51, library_ids=["CPL"])
    token = get_token(credentials)
    return SimpleNamespace(credentials=credentials, client=credentials.client, token=token,
                           api=bearer_client(token))


@pytest.fixture
def pay(kiosk):
    """POST an intake for patron 42 (or ``patron_id``) as the kiosk; returns the response."""

    def post(body: dict | None = None, *, patron_id=42, key=None, api=None, **overrides):
        payload = {"debit_type": "PRINT", "amount": "2.50", "payment_type": "CASH",
                   "register_id": 1} if body is None else body
        payload = {**payload, **overrides}
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
        return (api or kiosk.api).post(payments_url(patron_id), payload, format="json", **headers)

    return post
