"""Discovery within the client's scope, decided as the intake decides it: a kohapay client's
libraries, registers and debit types; a Koha API key's owner where Koha lets them log in
(IndependentBranches), narrowed by the key's scope, and only with the Koha permission of the
route; a patron of another library is a 404. Dashboard sessions open none of these routes."""
import pytest

from koha.models import SystemPreference
from payments.services.clients import create_api_client
from payments.services.koha_keys import set_key_scope
from tests.factories import (
    CashRegisterFactory,
    DebitTypeFactory,
    LibraryFactory,
    PatronFactory,
    koha_api_key,
    koha_staff,
)
from tests.helpers import (
    DEBIT_TYPES_URL,
    PAYMENT_TYPES_URL,
    REGISTERS_URL,
    account_url,
    bearer_client,
    get_token,
    koha_key_api,
    payments_url,
)

ROUTES = [REGISTERS_URL, DEBIT_TYPES_URL, PAYMENT_TYPES_URL, account_url(42)]
# What a kiosk's key owner holds in Koha to use every discovery route and pay.
KIOSK_OWNER = {"modules": ["catalogue"], "codes": [("updatecharges", "remaining_permissions"),
                                                   ("borrowers", "edit_borrowers")]}


@pytest.fixture
def keys_on(koha):
    SystemPreference.objects.filter(variable="RESTOAuth2ClientCredentials").update(value="1")


@pytest.fixture
def fpl(koha):
    """A third library with a register of its own, and a patron."""
    library = LibraryFactory(branchcode="FPL")
    CashRegisterFactory(id=30, name="Fairview desk", library=library)
    PatronFactory(borrowernumber=77, library=library)
    return library


def independent_branches(on: bool) -> None:
    SystemPreference.objects.filter(variable="IndependentBranches").update(value="1" if on else "0")


def client_api(name, libraries, **scope):
    credentials = create_api_client(name=name, staff_patron_id=51, library_ids=libraries, **scope)
    return bearer_client(get_token(credentials))


def register_ids(api, **params) -> list[int]:
    response = api.get(REGISTERS_URL, params)
    assert response.status_code == 200, response.content
    return [r["cash_register_id"] for r in response.json()]


def codes(api, url=DEBIT_TYPES_URL, **params) -> list[str]:
    response = api.get(url, params)
    assert response.status_code == 200, response.content
    return [row.get("code", row.get("value")) for row in response.json()]


# --- kohapay clients: their scope ---------------------------------------------------------------
def test_a_kohapay_client_sees_the_registers_of_its_libraries_only(koha, kiosk, fpl):
    assert register_ids(kiosk.api) == [1]
    both = client_api("Two libraries", ["CPL", "FPL"])
    assert register_ids(both) == [1, 30]
    assert register_ids(both, library_id="FPL") == [30]


def test_a_client_limited_to_registers_sees_those_only(koha):
    CashRegisterFactory(id=5, name="Second till", library=koha.cpl)
    assert register_ids(client_api("All of CPL", ["CPL"])) == [1, 5]
    assert register_ids(client_api("Till 5 only", ["CPL"], register_ids=[5])) == [5]


def test_a_client_limited_to_debit_types_sees_those_only(koha):
    DebitTypeFactory(code="COPY")
    assert codes(client_api("Printing only", ["CPL"], debit_type_codes=["PRINT"])) == ["PRINT"]
    assert {"COPY", "PRINT", "MANUAL"} <= set(codes(client_api("Every type", ["CPL"])))


def test_a_library_outside_the_scope_is_403_and_an_unknown_one_400(koha, kiosk):
    for url in (REGISTERS_URL, DEBIT_TYPES_URL, PAYMENT_TYPES_URL):
        outside = kiosk.api.get(url, {"library_id": "MPL"})
        assert (outside.status_code, outside.json()["error_code"]) == (403, "library_not_allowed")
        for unknown in ("NOPE", "cpl"):  # Koha's codes, byte for byte, as the intake reads them
            response = kiosk.api.get(url, {"library_id": unknown})
            assert response.status_code == 400, (url, unknown)
            assert response.json()["error_code"] == "unknown_library"


def test_a_patron_of_another_library_is_not_found(koha, kiosk, fpl):
    assert kiosk.api.get(account_url(42)).status_code == 200
    for patron_id in (77, 999999):  # another library's patron, no such patron: the same 404
        response = kiosk.api.get(account_url(patron_id))
        assert response.status_code == 404
        assert response.json() == {"error": "Patron not found.", "error_code": "patron_not_found"}
    assert client_api("Two libraries", ["CPL", "FPL"]).get(account_url(77)).status_code == 200


def test_what_discovery_lists_is_exactly_what_the_intake_accepts(koha, fpl, pay):
    """Every register listed takes a payment; every other open register is refused (403)."""
    CashRegisterFactory(id=5, name="Second till", library=koha.cpl)
    api = client_api("Till 1 and FPL", ["CPL", "FPL"], register_ids=[1, 30])
    listed = register_ids(api)
    assert listed == [1, 30]
    for register in (1, 5, 30, koha.other_register.pk):
        response = pay(api=api, register_id=register, payment_type="SIP01")
        assert response.status_code == (201 if register in listed else 403), response.content


# --- Koha API keys: the owner's libraries and permissions ---------------------------------------
def test_a_keys_lists_are_what_the_intake_accepts_for_it(koha, keys_on, fpl, pay):
    independent_branches(True)
    api = koha_key_api(koha_staff("cpl-clerk", library=koha.cpl, **KIOSK_OWNER))
    listed = register_ids(api)
    assert listed == [1]
    for register in (1, koha.other_register.pk, 30):
        response = pay(api=api, register_id=register, payment_type="SIP01")
        assert response.status_code == (201 if register in listed else 403), response.content



def test_a_keys_owner_sees_every_library_unless_independent_branches(koha, keys_on, fpl):
    api = koha_key_api(koha_staff("clerk", library=koha.cpl, **KIOSK_OWNER))
    every = [1, koha.other_register.pk, 30]
    assert register_ids(api) == sorted(every)
    assert api.get(account_url(77)).status_code == 200
    independent_branches(True)
    assert register_ids(api) == [1]
    assert api.get(account_url(77)).status_code == 404
    assert api.get(REGISTERS_URL, {"library_id": "FPL"}).status_code == 403


def test_a_superlibrarian_key_sees_every_library_even_with_independent_branches(koha, keys_on,
                                                                                fpl):
    independent_branches(True)
    api = koha_key_api(koha_staff("boss", library=koha.cpl, modules=["superlibrarian"]))
    assert register_ids(api) == sorted([1, koha.other_register.pk, 30])
    assert api.get(account_url(77)).status_code == 200


def test_a_keys_narrowing_only_narrows(koha, keys_on, fpl):
    owner = koha_staff("narrow", library=koha.cpl, **KIOSK_OWNER)
    credentials = koha_api_key(owner)
    set_key_scope(client_id=credentials.client_id, library_ids=["FPL"], register_ids=[],
                  debit_type_codes=["PRINT"])
    api = bearer_client(get_token(credentials))
    assert register_ids(api) == [30]
    assert codes(api, library_id="FPL") == ["PRINT"]
    assert api.get(account_url(42)).status_code == 404  # a CPL patron: outside the narrowing
    independent_branches(True)  # Koha allows CPL only, the narrowing FPL only: nowhere
    assert register_ids(api) == []
    assert api.get(REGISTERS_URL, {"library_id": "FPL"}).status_code == 403


REQUIRED = {
    REGISTERS_URL: [{"parameters": "manage_cash_registers"}, {"catalogue": 1}],
    DEBIT_TYPES_URL: {"updatecharges": "remaining_permissions"},
    PAYMENT_TYPES_URL: {"updatecharges": "remaining_permissions"},
    account_url(42): {"borrowers": "edit_borrowers", "updatecharges": "remaining_permissions"},
}


@pytest.mark.parametrize("url", REQUIRED)
def test_a_key_whose_owner_lacks_kohas_permission_gets_403(koha, keys_on, url):
    api = koha_key_api(koha_staff("nobody", library=koha.cpl, modules=["circulate"]))
    response = api.get(url)
    assert response.status_code == 403
    assert response.json() == {"error": "Authorization failure. Missing required permission(s).",
                               "error_code": "missing_permission",
                               "required_permissions": REQUIRED[url]}


@pytest.mark.parametrize("holds, url, allowed", [
    ({"codes": [("parameters", "manage_cash_registers")]}, REGISTERS_URL, True),
    ({"modules": ["catalogue"]}, REGISTERS_URL, True),
    ({"codes": [("updatecharges", "remaining_permissions")]}, REGISTERS_URL, False),
    ({"codes": [("updatecharges", "remaining_permissions")]}, DEBIT_TYPES_URL, True),
    ({"modules": ["updatecharges"]}, PAYMENT_TYPES_URL, True),
    ({"codes": [("updatecharges", "remaining_permissions")]}, account_url(42), False),
    ({"codes": [("borrowers", "edit_borrowers")]}, account_url(42), False),
    ({"codes": [("updatecharges", "remaining_permissions"), ("borrowers", "edit_borrowers")]},
     account_url(42), True),
])
def test_each_route_asks_kohas_own_requirement(koha, keys_on, holds, url, allowed):
    api = koha_key_api(koha_staff("someone", library=koha.cpl, **holds))
    assert api.get(url).status_code == (200 if allowed else 403)


# --- not for dashboard users --------------------------------------------------------------------
@pytest.mark.parametrize("url", ROUTES)
def test_a_dashboard_session_does_not_open_the_kiosk_routes(finance_client, koha, url):
    response = finance_client.get(url)
    assert response.status_code == 401
    assert response.json()["error_code"] == "unauthenticated"


def test_a_koha_staff_session_does_not_either(koha_client):
    for url in ROUTES:
        assert koha_client.get(url).status_code == 401


def test_the_payments_route_still_answers_beside_the_account(koha, kiosk):
    assert kiosk.api.get(payments_url(42)).json() == []
