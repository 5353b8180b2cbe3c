"""The token endpoint with Koha API keys, in the spirit of Koha's t/db_dependent/api/v1/oauth.t:
credentials in the body or a Basic header, Koha's three refusals word for word (plus kohapay's
error_code), the success body exactly, the token stored only as its SHA-256, and nothing ever
written to Koha's api_keys or oauth_access_tokens. kohapay's own clients keep their flow."""
import base64
import hashlib

import pytest
from django.db import connection
from oauth2_provider.models import AccessToken
from rest_framework.test import APIClient

from koha.models import ApiKey, SystemPreference
from payments.models import ApiClient, KohaKeyToken
from tests.factories import koha_api_key, koha_staff
from tests.helpers import TOKEN_URL, get_token, table_row_counts

KOHA_TABLES = ["api_keys", "oauth_access_tokens"]


def token_request(credentials=None, *, basic=False, ip="127.0.0.1", **form):
    data = {"grant_type": "client_credentials"}
    extra = {"REMOTE_ADDR": ip}
    if credentials is not None and basic:
        pair = f"{credentials.client_id}:{credentials.client_secret}".encode()
        extra["HTTP_AUTHORIZATION"] = f"Basic {base64.b64encode(pair).decode()}"
    elif credentials is not None:
        data.update(client_id=credentials.client_id, client_secret=credentials.client_secret)
    data.update(form)
    return APIClient().post(TOKEN_URL, {k: v for k, v in data.items() if v is not None}, **extra)


@pytest.fixture
def key(koha_keys_on, key_owner):
    return koha_api_key(key_owner)


@pytest.mark.parametrize("basic", [False, True], ids=["form body", "basic header"])
def test_a_koha_key_gets_kohas_token_body_exactly(key, basic):
    before = table_row_counts(KOHA_TABLES)
    response = token_request(key, basic=basic)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert response["Cache-Control"] == "no-store" and response["Pragma"] == "no-cache"
    assert table_row_counts(KOHA_TABLES) == before


def test_the_token_is_stored_only_as_its_sha256(key):
    token = token_request(key).json()["access_token"]
    stored = KohaKeyToken.objects.get()
    assert stored.token_checksum == hashlib.sha256(token.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM kohapay_koha_key_token")
        cells = [str(cell) for row in cursor.fetchall() for cell in row]
    assert not any(token in cell or token[3:] in cell for cell in cells)
    assert not AccessToken.objects.exists()  # not the toolkit's table, where tokens are in clear


def test_nothing_is_written_to_kohas_key_or_token_tables(key):
    row = ApiKey.objects.values().get()
    before = table_row_counts(KOHA_TABLES)
    for _ in range(2):
        assert token_request(key).status_code == 200
    assert token_request(key, client_secret="wrong").status_code == 403
    assert table_row_counts(KOHA_TABLES) == before
    assert ApiKey.objects.values().get() == row


@pytest.mark.parametrize("form, status, body", [
    ({"grant_type": "password"}, 400,
     {"error": "Unimplemented grant type", "error_code": "unsupported_grant_type"}),
    ({"grant_type": None}, 400,
     {"error": "Unimplemented grant type", "error_code": "unsupported_grant_type"}),
    ({"client_secret": "wrong-secret"}, 403,
     {"error": "access_denied", "error_code": "access_denied"}),
    ({"client_secret": None}, 403, {"error": "access_denied", "error_code": "access_denied"}),
    ({"client_id": "123e4567-e89b-12d3-a456-426614174000"}, 403,
     {"error": "unauthorized_client", "error_code": "unauthorized_client"}),
    ({"client_id": None, "client_secret": None}, 403,
     {"error": "unauthorized_client", "error_code": "unauthorized_client"}),
])
def test_kohas_refusals_word_for_word(key, form, status, body):
    response = token_request(key, **form)
    assert (response.status_code, response.json()) == (status, body)
    assert response["Cache-Control"] == "no-store"
    assert not KohaKeyToken.objects.exists() and not ApiClient.objects.exists()


def test_a_revoked_key_is_an_unauthorized_client(key):
    ApiKey.objects.filter(pk=key.client_id).update(active=False)
    response = token_request(key)
    assert (response.status_code, response.json()["error"]) == (403, "unauthorized_client")


def test_with_the_preference_off_a_koha_key_gets_unimplemented_grant_type(key):
    SystemPreference.objects.filter(variable="RESTOAuth2ClientCredentials").update(value="0")
    response = token_request(key)
    assert response.status_code == 400
    assert response.json() == {"error": "Unimplemented grant type",
                               "error_code": "unsupported_grant_type"}


def test_with_the_preference_off_an_unknown_client_gets_kohapays_own_answer(koha):
    """An installation without Koha keys sees the endpoint exactly as before them."""
    response = APIClient().post(TOKEN_URL, {"grant_type": "client_credentials",
                                            "client_id": "nobody", "client_secret": "x"})
    assert response.status_code == 401 and response.json()["error_code"] == "invalid_client"


def test_a_secret_kept_in_clear_by_koha_before_21_11_is_refused(koha_keys_on, key_owner):
    credentials = koha_api_key(key_owner)
    ApiKey.objects.filter(pk=credentials.client_id).update(secret=credentials.client_secret)
    assert token_request(credentials).json()["error"] == "access_denied"


def test_the_first_token_makes_the_keys_kohapay_client(key, key_owner):
    get_token(key)
    get_token(key)
    client = ApiClient.objects.get()
    assert (client.koha_client_id, client.application_id, client.staff_patron_id) == (
        key.client_id, None, key_owner.pk)
    assert client.name == "Koha API key: Lobby kiosk" and client.active
    assert not client.libraries.exists()  # no narrowing
    twin = koha_api_key(key_owner)  # same description, another key
    get_token(twin)
    names = set(ApiClient.objects.values_list("name", flat=True))
    assert names == {"Koha API key: Lobby kiosk",
                     f"Koha API key: Lobby kiosk ({twin.client_id})"}


def test_a_key_deactivated_in_kohapay_gets_no_token(key):
    get_token(key)
    ApiClient.objects.update(active=False)
    response = token_request(key)
    assert (response.status_code, response.json()["error"]) == (403, "unauthorized_client")


def test_expired_tokens_of_the_key_go_when_a_new_one_is_issued(key):
    from datetime import timedelta

    from django.utils import timezone

    get_token(key)
    KohaKeyToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    get_token(key)
    assert KohaKeyToken.objects.filter(expires__gt=timezone.now()).count() == 1
    assert KohaKeyToken.objects.count() == 1


def test_a_kohapay_client_id_wins_over_a_koha_key_with_the_same_client_id(key, kiosk):
    """They cannot meet by accident (UUIDs against 40 letters and digits); if they did, kohapay's
    own client keeps working exactly as before and the Koha key gets no token from kohapay."""
    ApiKey.objects.filter(pk=key.client_id).update(client_id=kiosk.credentials.client_id)
    koha_secret = type("C", (), {"client_id": kiosk.credentials.client_id,
                                 "client_secret": key.client_secret})
    refused = token_request(koha_secret)
    assert refused.status_code == 401 and refused.json()["error_code"] == "invalid_client"
    issued = token_request(kiosk.credentials)
    assert issued.status_code == 200 and issued.json()["scope"] == "payments"
    assert not ApiClient.objects.filter(koha_client_id__isnull=False).exists()


def test_kohapays_own_clients_keep_their_answers_with_the_preference_on(kiosk, koha_keys_on):
    issued = token_request(kiosk.credentials)
    assert issued.status_code == 200 and set(issued.json()) == {
        "access_token", "token_type", "expires_in", "scope"}
    wrong = token_request(kiosk.credentials, client_secret="wrong")
    assert wrong.status_code == 401 and wrong.json()["error_code"] == "invalid_client"


def test_a_burst_of_wrong_secrets_is_refused_then_throttled_never_a_5xx(
        one_minute_window, key, settings):
    settings.KOHAPAY_TOKEN_RATE = "4/min"
    statuses = [token_request(key, client_secret=f"guess-{n}", ip=f"10.9.0.{n}").status_code
                for n in range(6)]
    assert statuses == [403, 403, 403, 403, 429, 429]
    right = token_request(key, ip="10.9.1.1")  # per client_id: the right one waits too
    assert right.status_code == 429 and right.json()["error_code"] == "rate_limited"


def test_basic_header_garbage_is_an_unauthorized_client(key):
    response = APIClient().post(TOKEN_URL, {"grant_type": "client_credentials"},
                                HTTP_AUTHORIZATION="Basic %%%not-base64")
    assert (response.status_code, response.json()["error"]) == (403, "unauthorized_client")


def test_an_owner_without_permissions_still_gets_a_token_as_in_koha(koha_keys_on, koha):
    """Koha checks permissions when the token is used, not when it is issued (oauth.t: a
    patron with flags 0 gets a token, then 403s); so does kohapay."""
    nobody = koha_staff("nobody", library=koha.cpl)
    assert token_request(koha_api_key(nobody)).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_first_tokens_at_once_make_one_client():
    """Two kiosks sharing a key ask for their first token in the same instant: both get one, and
    the key gets one kohapay client (the loser of the unique index looks again)."""
    import threading

    from tests.factories import build_koha_world

    koha = build_koha_world()
    SystemPreference.objects.filter(variable="RESTOAuth2ClientCredentials").update(value="1")
    owner = koha_staff("clerk", codes=[("updatecharges", "remaining_permissions")],
                       library=koha.cpl)
    credentials = koha_api_key(owner)
    barrier, statuses = threading.Barrier(4), []

    def ask():
        try:
            barrier.wait()
            statuses.append(token_request(credentials).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200] * 4
    assert ApiClient.objects.filter(koha_client_id=credentials.client_id).count() == 1
    assert KohaKeyToken.objects.count() == 4


def test_no_secret_or_token_of_a_key_in_any_log(key, caplog):
    """Everything logged (all loggers, DEBUG) while a key gets a token, fails to, pays and is
    refused: neither its secret nor a token appears."""
    import logging

    from payments.intake_log import IntakeJsonFormatter
    from tests.helpers import bearer_client, payments_url

    caplog.set_level(logging.DEBUG)
    token = get_token(key)
    token_request(key, client_secret=key.client_secret + "x")
    api = bearer_client(token)
    api.post(payments_url(), {"debit_type": "PRINT", "amount": "1", "payment_type": "CASH",
                              "register_id": 1}, format="json")
    api.post(payments_url(), {"debit_type": "PRINT", "amount": "nope"}, format="json")
    bearer_client(token + "x").get(payments_url())
    text = caplog.text + "".join(IntakeJsonFormatter().format(r) for r in caplog.records)
    assert caplog.records, "nothing was logged at all"
    for value in (key.client_secret, token, token[3:]):
        assert value not in text
