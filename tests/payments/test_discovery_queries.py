"""Each discovery route costs a fixed number of queries, whatever the number of registers, types,
payment types, library limits, patrons and account lines: with a kohapay client, the token and
the rate counter (1: one statement since issue 18; 2 before), the scope (1), then the counts and
the page (2) — or the patron's outstanding lines (1); a Koha API key's token adds its owner's
permissions (1)."""
import pytest

from koha.models import SystemPreference
from payments.services.clients import create_api_client
from tests.factories import (
    CashRegisterFactory,
    DebitTypeFactory,
    LibraryFactory,
    PatronFactory,
    PaymentTypeFactory,
    charge_and_pay,
    koha_staff,
    limit_debit_type,
    limit_payment_type,
    owed,
    unspent,
)
from tests.helpers import (
    DEBIT_TYPES_URL,
    PAYMENT_TYPES_URL,
    REGISTERS_URL,
    account_url,
    bearer_client,
    get_token,
    koha_key_api,
    utc,
)

ROUTES = {
    "registers": (REGISTERS_URL, {"library_id": "CPL", "_per_page": "5"}, 4),
    "registers_all": (REGISTERS_URL, {"_per_page": "-1", "archived": "false"}, 4),
    "debit_types": (DEBIT_TYPES_URL, {"can_be_sold": "true"}, 4),
    "debit_types_at": (DEBIT_TYPES_URL, {"library_id": "CPL", "_page": "2"}, 4),
    "payment_types": (PAYMENT_TYPES_URL, {}, 4),
    "account": (account_url(42), {}, 3),
}


def grow(koha, n=40):
    """n times more of everything discovery reads: libraries, registers, types, limits, patrons,
    account lines (owed, unspent and settled)."""
    for i in range(n):
        library = LibraryFactory() if i % 3 else koha.cpl
        CashRegisterFactory(library=library, archived=i % 7 == 0)
        DebitTypeFactory(code=f"GROWN{i}", can_be_sold=i % 2 == 0)
        PaymentTypeFactory(authorised_value=f"PAY{i}")
        if i % 4 == 0:
            limit_debit_type(f"GROWN{i}", library.branchcode, "MPL")
            limit_payment_type(f"PAY{i}", library.branchcode)
        PatronFactory(library=library)
        owed(patron=koha.patron, amount=f"{i + 1}.25", at=utc(2024, 5, 1))
        unspent(patron=koha.patron, amount="0.50", at=utc(2024, 5, 1))
        charge_and_pay(register=koha.register, at=utc(2024, 5, 2), amount="1.00",
                       patron=koha.patron, manager=koha.staff)


def scoped_client(koha):
    """A client with a scope to read: two libraries, a register and two debit types."""
    credentials = create_api_client(name="Scoped", staff_patron_id=51,
                                    library_ids=["CPL", "MPL"], register_ids=[1],
                                    debit_type_codes=["PRINT", "MANUAL"])
    return bearer_client(get_token(credentials))


@pytest.mark.parametrize("route", ROUTES)
def test_a_kohapay_clients_queries_do_not_grow(koha, kiosk, django_assert_num_queries, route):
    url, params, expected = ROUTES[route]
    scoped = scoped_client(koha)
    owed(patron=koha.patron, amount="1.00")
    for api in (kiosk.api, scoped):
        with django_assert_num_queries(expected):
            assert api.get(url, params).status_code == 200
    grow(koha)
    for api in (kiosk.api, scoped):
        with django_assert_num_queries(expected):
            response = api.get(url, params)
        assert response.status_code == 200, response.content


@pytest.mark.parametrize("route", ROUTES)
def test_a_koha_keys_queries_do_not_grow(koha, django_assert_num_queries, route):
    url, params, expected = ROUTES[route]
    SystemPreference.objects.filter(variable="RESTOAuth2ClientCredentials").update(value="1")
    api = koha_key_api(koha_staff("kiosk-owner", library=koha.cpl, modules=["catalogue"], codes=[
        ("updatecharges", "remaining_permissions"), ("borrowers", "edit_borrowers")]))
    with django_assert_num_queries(expected + 1):
        assert api.get(url, params).status_code == 200
    grow(koha)
    with django_assert_num_queries(expected + 1):
        assert api.get(url, params).status_code == 200


def test_the_grown_world_was_read(koha, kiosk):
    """The sizes really differ: the second measure read forty times more."""
    grow(koha)
    assert int(kiosk.api.get(REGISTERS_URL)["X-Base-Total-Count"]) > 10
    assert len(kiosk.api.get(account_url(42)).json()["outstanding_debits"]["lines"]) == 40
