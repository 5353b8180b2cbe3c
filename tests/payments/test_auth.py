"""Tokens as Koha issues them (client credentials), secrets hashed at rest, and deactivation."""
import pytest
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from payments.services.clients import rotate_client_secret, set_client_active
from tests.helpers import TOKEN_URL, bearer_client, get_token, payments_url


def token_request(credentials, **overrides):
    data = {"grant_type": "client_credentials", "client_id": credentials.client_id,
            "client_secret": credentials.client_secret, **overrides}
    return APIClient().post(TOKEN_URL, data)


def test_token_endpoint_issues_a_bearer_token_for_an_hour(kiosk):
    response = token_request(kiosk.credentials)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["access_token"] and response["Cache-Control"] == "no-store"
    api = bearer_client(body["access_token"])
    assert api.get(payments_url()).status_code == 200


def test_token_also_accepts_http_basic_client_authentication(kiosk):
    import base64

    pair = f"{kiosk.credentials.client_id}:{kiosk.credentials.client_secret}".encode()
    response = APIClient().post(TOKEN_URL, {"grant_type": "client_credentials"},
                                HTTP_AUTHORIZATION=f"Basic {base64.b64encode(pair).decode()}")
    assert response.status_code == 200


@pytest.mark.parametrize("overrides, status, code", [
    ({"client_secret": "wrong"}, 401, "invalid_client"),
    ({"client_id": "nobody"}, 401, "invalid_client"),
    ({"grant_type": "password"}, 400, "invalid_request"),
    ({"grant_type": "magic"}, 400, "unsupported_grant_type"),
    ({"grant_type": ""}, 400, "unsupported_grant_type"),
])
def test_token_errors_have_kohas_shape(kiosk, overrides, status, code):
    response = token_request(kiosk.credentials, **overrides)
    assert response.status_code == status
    body = response.json()
    assert body["error_code"] == code and body["error"].endswith(".")


def test_token_endpoint_wants_post(kiosk):
    response = APIClient().get(TOKEN_URL)
    assert response.status_code == 405 and response.json()["error_code"] == "method_not_allowed"


def test_client_secret_is_stored_hashed(kiosk):
    stored = Application.objects.get(client_id=kiosk.credentials.client_id).client_secret
    assert stored != kiosk.credentials.client_secret
    assert stored.startswith(("pbkdf2_", "md5$", "argon2", "bcrypt"))
    assert kiosk.credentials.client_secret not in stored


def test_deactivated_client_token_is_refused_at_once(kiosk, pay):
    assert pay().status_code == 201
    kiosk.client.active = False
    kiosk.client.save(update_fields=["active"])  # even without revoking the tokens
    response = pay()
    assert response.status_code == 401 and response.json()["error_code"] == "invalid_token"
    assert token_request(kiosk.credentials).status_code == 401  # and no new token


def test_deactivation_revokes_tokens_so_reactivation_does_not_revive_them(kiosk, pay):
    set_client_active(kiosk.client, False)
    assert not AccessToken.objects.filter(application=kiosk.client.application).exists()
    set_client_active(kiosk.client, True)
    assert pay().status_code == 401
    assert pay(api=bearer_client(get_token(kiosk.credentials))).status_code == 201


def test_rotating_the_secret_revokes_tokens_and_the_old_secret(kiosk, pay):
    new = rotate_client_secret(kiosk.client)
    assert pay().status_code == 401
    assert token_request(kiosk.credentials).status_code == 401
    assert pay(api=bearer_client(get_token(new))).status_code == 201


def test_application_without_kohapay_client_gets_no_token(koha):
    Application.objects.create(
        name="stray", client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_id="stray-id", client_secret="stray-secret",
    )
    response = APIClient().post(TOKEN_URL, {"grant_type": "client_credentials",
                                            "client_id": "stray-id",
                                            "client_secret": "stray-secret"})
    assert response.status_code == 401


def test_client_whose_staff_patron_was_deleted_is_refused(kiosk, pay):
    from koha.models import Patron

    Patron.objects.filter(pk=51).delete()
    response = pay()
    assert response.status_code == 401 and "staff patron" in response.json()["error"]
