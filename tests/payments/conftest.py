"""Fixtures of the payment tests with Koha API keys: Koha's client-credentials preference on, a
staff patron who may record payments in Koha, and a key of theirs with a live kohapay token."""
from types import SimpleNamespace

import pytest

from koha.models import SystemPreference
from tests.factories import koha_api_key, koha_staff
from tests.helpers import bearer_client, get_token, payments_url


@pytest.fixture
def koha_keys_on(koha):
    """``RESTOAuth2ClientCredentials`` = 1, as a library that hands out API keys has it."""
    SystemPreference.objects.filter(variable="RESTOAuth2ClientCredentials").update(value="1")


@pytest.fixture
def key_owner(koha):
    """A desk clerk at CPL holding Koha's permission to record payments."""
    return koha_staff("deskclerk", codes=[("updatecharges", "remaining_permissions")],
                      library=koha.cpl)


@pytest.fixture
def koha_key(koha_keys_on, key_owner):
    """The clerk's Koha API key, with a live kohapay token."""
    credentials = koha_api_key(key_owner)
    token = get_token(credentials)
    return SimpleNamespace(credentials=credentials, key=credentials.key, owner=key_owner,
                           token=token, api=bearer_client(token))


@pytest.fixture
def key_pay(koha_key):
    """POST an intake for patron 42 with the Koha key's token; returns the response."""

    def post(body: dict | None = None, *, patron_id=42, key=None, api=None, **overrides):
        payload = {"debit_type": "PRINT", "amount": "2.50", "payment_type": "CASH",
                   "register_id": 1} if body is None else body
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
        return (api or koha_key.api).post(payments_url(patron_id), {**payload, **overrides},
                                          format="json", **headers)

    return post

