"""Requests with a Koha API key's token: the key's owner is manager_id; every request re-checks
the token, the key, the owner and the owner's Koha permission (revoking any of them in Koha
refuses the next request, writing nothing); Koha's library rule and kohapay's narrowing."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from koha.identity.permissions import RECORD_PAYMENT
from koha.models import AccountLine, ApiKey, Patron, SystemPreference, UserPermission
from payments.authentication import ApiClientAuthentication
from payments.models import ApiClient, Intake, KohaKeyToken
from payments.services.koha_keys import set_key_scope
from tests.factories import koha_api_key, koha_staff
from tests.helpers import bearer_client, get_token, payments_url, row_counts

INTAKE = {"debit_type": "PRINT", "amount": "1.00", "payment_type": "CASH", "register_id": 1}
MISSING = {"error": "Authorization failure. Missing required permission(s).",
           "error_code": "missing_permission",
           "required_permissions": {"updatecharges": "remaining_permissions"}}


def independent_branches(on: bool) -> None:
    SystemPreference.objects.filter(variable="IndependentBranches").update(value="1" if on else "0")


def key_api_for(owner) -> APIClient:
    return bearer_client(get_token(koha_api_key(owner)))


# --- the owner acts ----------------------------------------------------------------------------
def test_the_keys_owner_is_the_manager_of_every_row(koha_key, key_pay):
    response = key_pay()
    assert response.status_code == 201, response.content
    body = response.json()
    lines = AccountLine.objects.filter(pk__in=[body["payment_id"], body["debit"]["account_line_id"]])
    assert {line.manager_id for line in lines} == {koha_key.owner.pk}
    assert body["debit"]["user_id"] == body["credit"]["user_id"] == koha_key.owner.pk
    intake = Intake.objects.get()
    assert intake.client.koha_client_id == koha_key.credentials.client_id


def test_a_key_reads_back_its_own_payments_and_no_one_elses(koha_key, key_pay, kiosk, pay):
    mine = key_pay(external_id="K-1").json()["payment_id"]
    theirs = pay(external_id="N-1").json()["payment_id"]
    assert [p["payment_id"] for p in koha_key.api.get(payments_url()).json()] == [mine]
    assert koha_key.api.get(payments_url(42, mine)).status_code == 200
    assert koha_key.api.get(payments_url(42, theirs)).status_code == 404
    assert kiosk.api.get(payments_url(42, mine)).status_code == 404


def test_idempotency_and_external_ids_are_per_key(koha_key, key_pay):
    first = key_pay(key="k-1", external_id="K-1")
    again = key_pay(key="k-1", external_id="K-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true" and Intake.objects.count() == 1
    assert key_pay(external_id="K-1").json()["error_code"] == "duplicate_external_id"


# --- revoked in Koha: the next request is refused, nothing written -----------------------------
def revoke_key(koha_key):
    ApiKey.objects.filter(pk=koha_key.credentials.client_id).update(active=False)


def delete_key(koha_key):
    ApiKey.objects.filter(pk=koha_key.credentials.client_id).delete()


def delete_owner(koha_key):
    Patron.objects.filter(pk=koha_key.owner.pk).delete()  # Koha's schema drops the key with it


@pytest.mark.parametrize("revoke", [revoke_key, delete_key, delete_owner])
def test_a_key_revoked_or_gone_in_koha_refuses_the_next_request_with_401(
        koha_key, key_pay, revoke):
    assert key_pay(key="before").status_code == 201
    revoke(koha_key)
    before = row_counts()
    response = key_pay(key="after")
    assert response.status_code == 401
    assert response.json() == {
        "error": "This token's Koha API key was revoked or deleted in Koha (or its owner no "
                 "longer exists).", "error_code": "invalid_token"}
    assert koha_key.api.get(payments_url()).status_code == 401
    assert row_counts() == before


CODE = {"codes": [("updatecharges", "remaining_permissions")]}
MODULE = {"modules": ["updatecharges"]}


@pytest.mark.parametrize("grant, remove", [
    (CODE, lambda owner: UserPermission.objects.filter(borrowernumber=owner.pk).delete()),
    (MODULE, lambda owner: Patron.objects.filter(pk=owner.pk).update(flags=0)),
    (CODE, lambda owner: Patron.objects.filter(pk=owner.pk).update(userid=None)),
], ids=["sub-permission row deleted", "module bit cleared", "userid removed"])
def test_a_permission_removed_in_koha_refuses_the_next_request_with_403(
        koha, koha_keys_on, grant, remove):
    owner = koha_staff("owner", library=koha.cpl, **grant)
    api = key_api_for(owner)
    assert api.post(payments_url(), INTAKE, format="json").status_code == 201
    remove(owner)  # Koha finds permissions by userid: without one, none
    before = row_counts()
    response = api.post(payments_url(), INTAKE, format="json", HTTP_IDEMPOTENCY_KEY="after")
    assert (response.status_code, response.json()) == (403, MISSING)
    assert api.get(payments_url()).json() == MISSING
    assert row_counts() == before


def test_without_the_permission_from_the_start_it_is_403(koha, koha_keys_on):
    clerk = koha_staff("clerk", modules=["catalogue", "borrowers"],
                       codes=[("updatecharges", "writeoff"), ("cash_management", "cashup")],
                       library=koha.cpl)
    response = key_api_for(clerk).post(payments_url(), {"debit_type": "PRINT", "amount": "1",
                                                        "payment_type": "SIP01"}, format="json")
    assert (response.status_code, response.json()) == (403, MISSING)


@pytest.mark.parametrize("grant", [
    {"modules": ["superlibrarian"]},
    {"modules": ["updatecharges"]},
    {"codes": [("updatecharges", "remaining_permissions")]},
], ids=["superlibrarian", "whole updatecharges module", "the sub-permission"])
def test_who_may_record(koha, koha_keys_on, grant):
    owner = koha_staff("owner", library=koha.cpl, **grant)
    response = key_api_for(owner).post(payments_url(), INTAKE, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["credit"]["user_id"] == owner.pk


def test_defaulton_grants_the_module_to_a_keys_owner_as_in_koha(koha, koha_keys_on):
    from koha.models import UserFlag

    UserFlag.objects.filter(flag="updatecharges").update(defaulton=1)
    owner = koha_staff("anyone", library=koha.cpl)
    assert key_api_for(owner).post(payments_url(), INTAKE, format="json").status_code == 201


def test_an_expired_token_is_401(koha_key, key_pay):
    KohaKeyToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    response = key_pay()
    assert response.status_code == 401 and response.json()["error_code"] == "invalid_token"
    assert 'error_description="The access token has expired."' in response["WWW-Authenticate"]


def test_an_unknown_koha_key_token_is_401(koha_key, key_pay):
    response = key_pay(api=bearer_client(koha_key.token + "x"))
    assert response.status_code == 401
    assert 'error_description="The access token is invalid."' in response["WWW-Authenticate"]


def test_a_key_deactivated_in_kohapay_is_refused_at_once(koha_key, key_pay):
    ApiClient.objects.filter(koha_client_id=koha_key.credentials.client_id).update(active=False)
    response = key_pay()
    assert response.status_code == 401 and "not active" in response.json()["error"]


def test_reactivating_the_key_in_koha_brings_a_living_token_back(koha_key, key_pay):
    """Revocation is checked, not recorded: like Koha's own ``active`` flag, it can be undone."""
    revoke_key(koha_key)
    assert key_pay(key="a").status_code == 401
    ApiKey.objects.filter(pk=koha_key.credentials.client_id).update(active=True)
    assert key_pay(key="b").status_code == 201


def test_no_bcrypt_on_a_request(koha_key, key_pay, monkeypatch):
    """The secret is checked when the token is issued, never per request (≈13 ms apiece)."""
    import bcrypt

    def refuse(*args):
        raise AssertionError("bcrypt used on a request")

    monkeypatch.setattr(bcrypt, "checkpw", refuse)
    assert key_pay().status_code == 201


# --- queries -----------------------------------------------------------------------------------
def test_authentication_is_two_queries_for_a_koha_key(koha_key, django_assert_num_queries):
    request = APIRequestFactory().get(payments_url(),
                                      HTTP_AUTHORIZATION=f"Bearer {koha_key.token}")
    with django_assert_num_queries(2):  # token + key + owner; the owner's permissions
        principal, token = ApiClientAuthentication().authenticate(Request(request))
    assert principal.owner.borrowernumber == koha_key.owner.pk
    assert principal.client.staff_patron_id == koha_key.owner.pk
    assert principal.owner.permissions.allows(RECORD_PAYMENT)
    assert token.client_id == principal.client.pk


def queries_of(post) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert post().status_code == 201
    return len(captured.captured_queries)


def test_an_intake_with_a_koha_key_costs_one_query_more_than_with_a_kohapay_client(
        koha_key, key_pay, kiosk, pay):
    pay(key="warm-1"), key_pay(key="warm-2")  # per-process caches filled, as in production
    native = queries_of(lambda: pay(key="n"))
    koha = queries_of(lambda: key_pay(key="k"))
    assert koha == native + 1


# --- a view that names no Koha permission is closed to Koha keys -------------------------------
class Unnamed(APIView):
    def get(self, request):
        return Response({"ok": True})


def test_a_view_without_koha_permission_refuses_koha_keys_but_not_kohapay_clients(
        koha_key, kiosk):
    factory = APIRequestFactory()
    refused = Unnamed.as_view()(factory.get("/x", HTTP_AUTHORIZATION=f"Bearer {koha_key.token}"))
    assert refused.status_code == 403
    assert refused.data == {"error": "This operation is not open to Koha API keys.",
                            "error_code": "forbidden"}
    allowed = Unnamed.as_view()(factory.get("/x", HTTP_AUTHORIZATION=f"Bearer {kiosk.token}"))
    assert allowed.status_code == 200


# --- libraries: Koha's rule, then kohapay's narrowing ------------------------------------------
def at_mpl(koha, key_pay, how):
    body = {"debit_type": "PRINT", "amount": "1.00", "payment_type": "SIP01"}
    if how == "library":
        return key_pay({**body, "library_id": "MPL"})
    return key_pay({**body, "register_id": koha.other_register.pk})


@pytest.mark.parametrize("how", ["library", "register"])
def test_without_independent_branches_the_owner_records_anywhere(koha, koha_key, key_pay, how):
    response = at_mpl(koha, key_pay, how)
    assert response.status_code == 201 and response.json()["credit"]["library_id"] == "MPL"


@pytest.mark.parametrize("how, code", [("library", "library_not_allowed"),
                                       ("register", "register_not_allowed")])
def test_with_independent_branches_only_the_home_library(koha, koha_key, key_pay, how, code):
    independent_branches(True)
    before = row_counts()
    response = at_mpl(koha, key_pay, how)
    assert response.status_code == 403 and response.json()["error_code"] == code
    assert row_counts() == before
    assert key_pay().status_code == 201  # register 1, at CPL: the owner's home


def test_with_independent_branches_a_superlibrarian_records_anywhere(koha, koha_keys_on):
    independent_branches(True)
    owner = koha_staff("boss", modules=["superlibrarian"], library=koha.cpl)
    response = key_api_for(owner).post(payments_url(), {
        "debit_type": "PRINT", "amount": "1.00", "payment_type": "SIP01", "library_id": "MPL"},
        format="json")
    assert response.status_code == 201


def test_an_intake_that_names_no_place_is_recorded_at_the_owners_home(koha, koha_key, key_pay):
    response = key_pay({"debit_type": "PRINT", "amount": "1.00", "payment_type": "SIP01"})
    assert response.status_code == 201 and response.json()["credit"]["library_id"] == "CPL"


def narrow(koha_key, **scope):
    set_key_scope(client_id=koha_key.credentials.client_id,
                  library_ids=scope.get("libraries", []), register_ids=scope.get("registers", []),
                  debit_type_codes=scope.get("debit_types", []))


def test_narrowed_to_one_library(koha, koha_key, key_pay):
    narrow(koha_key, libraries=["MPL"])
    refused = key_pay()  # register 1 is at CPL
    assert refused.status_code == 403 and refused.json()["error_code"] == "register_not_allowed"
    refused = key_pay({"debit_type": "PRINT", "amount": "1", "payment_type": "SIP01",
                       "library_id": "CPL"})
    assert refused.json()["error_code"] == "library_not_allowed"
    placed = key_pay({"debit_type": "PRINT", "amount": "1.00", "payment_type": "SIP01"})
    assert placed.status_code == 201 and placed.json()["credit"]["library_id"] == "MPL"


def test_narrowing_never_widens_koha_s_library_rule(koha, koha_key, key_pay):
    """IndependentBranches keeps the clerk at CPL; a narrowing to MPL leaves nowhere at all."""
    independent_branches(True)
    narrow(koha_key, libraries=["MPL"])
    before = row_counts()
    for body in ({"debit_type": "PRINT", "amount": "1", "payment_type": "SIP01"},
                 {"debit_type": "PRINT", "amount": "1", "payment_type": "SIP01",
                  "library_id": "MPL"},
                 {"debit_type": "PRINT", "amount": "1", "payment_type": "SIP01",
                  "library_id": "CPL"}):
        response = key_pay(body)
        assert response.status_code == 403, body
        assert response.json()["error_code"] == "library_not_allowed"
    assert row_counts() == before


def test_narrowing_never_widens_koha_s_permissions(koha, koha_keys_on):
    clerk = koha_staff("clerk", library=koha.cpl)  # no updatecharges
    credentials = koha_api_key(clerk)
    api = bearer_client(get_token(credentials))
    set_key_scope(client_id=credentials.client_id, library_ids=["CPL"], register_ids=[1],
                  debit_type_codes=["PRINT"])
    response = api.post(payments_url(), INTAKE, format="json")
    assert (response.status_code, response.json()) == (403, MISSING)


def test_narrowed_to_registers_and_debit_types(koha, koha_key, key_pay):
    narrow(koha_key, registers=[1], debit_types=["PRINT"])
    other = key_pay({"debit_type": "PRINT", "amount": "1", "payment_type": "CASH",
                     "register_id": koha.other_register.pk})
    assert other.status_code == 403 and other.json()["error_code"] == "register_not_allowed"
    manual = key_pay(debit_type="MANUAL")
    assert manual.status_code == 403
    assert manual.json()["error_code"] == "debit_type_not_allowed_for_client"
    assert key_pay().status_code == 201


def test_an_unknown_library_is_still_400_before_any_scope(koha, koha_key, key_pay):
    independent_branches(True)
    narrow(koha_key, libraries=["MPL"])
    response = key_pay({"debit_type": "PRINT", "amount": "1", "payment_type": "SIP01",
                        "library_id": "NOPE"})
    assert response.status_code == 400 and response.json()["error_code"] == "unknown_library"
