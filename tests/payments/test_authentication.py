"""Bearer tokens checked by ``payments.authentication`` without oauthlib: the toolkit's rules
(checksum lookup, expiry, revocation by deletion), Koha's header-only wire protocol, one query."""
from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from payments.authentication import ApiClientAuthentication
from tests.helpers import payments_url, row_counts


def www_authenticate(response) -> str:
    return response["WWW-Authenticate"]


def test_expired_token_is_401_with_the_toolkits_description(kiosk, pay):
    AccessToken.objects.filter(application=kiosk.client.application).update(
        expires=timezone.now() - timedelta(seconds=1))
    before = row_counts()
    response = pay()
    assert response.status_code == 401 and response.json()["error_code"] == "invalid_token"
    assert www_authenticate(response) == ('Bearer realm="kohapay",error="invalid_token",'
                                          'error_description="The access token has expired."')
    assert row_counts() == before


def test_unknown_token_is_described_as_invalid(kiosk, pay):
    response = pay(api=APIClient(HTTP_AUTHORIZATION="Bearer no-such-token"))
    assert response.status_code == 401 and response.json()["error_code"] == "invalid_token"
    assert 'error_description="The access token is invalid."' in www_authenticate(response)


def test_revoked_token_is_refused(kiosk, pay):
    AccessToken.objects.get(token=kiosk.token).revoke()  # the toolkit deletes it
    assert pay().status_code == 401


def test_the_scheme_is_case_insensitive_as_in_oauthlib(kiosk, pay):
    assert pay(api=APIClient(HTTP_AUTHORIZATION=f"bearer {kiosk.token}")).status_code == 201


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Basic a2lvc2s6c2VjcmV0", "Token x"])
def test_malformed_authorization_header_is_401(kiosk, pay, header):
    response = pay(api=APIClient(HTTP_AUTHORIZATION=header))
    assert response.status_code == 401 and response.json()["error_code"] == "invalid_token"
    assert www_authenticate(response).startswith('Bearer realm="kohapay"')


def test_a_token_in_the_url_is_not_accepted(kiosk):
    """Koha's API reads the Authorization header only; a token in the URL would end up in
    access logs."""
    response = APIClient().get(f"{payments_url()}?access_token={kiosk.token}")
    assert response.status_code == 401 and response.json()["error_code"] == "unauthenticated"


def test_authentication_is_one_query_and_yields_the_client(kiosk, django_assert_num_queries):
    django_request = APIRequestFactory().get(payments_url(),
                                             HTTP_AUTHORIZATION=f"Bearer {kiosk.token}")
    with django_assert_num_queries(1):
        principal, token = ApiClientAuthentication().authenticate(Request(django_request))
    client = principal.client
    assert (client.pk, client.name, client.staff_patron_id) == (
        kiosk.client.pk, "Kiosk CPL", 51)
    assert client.active and not client._state.adding
    assert token.application_id == kiosk.client.application_id
    assert token.expires > timezone.now()
