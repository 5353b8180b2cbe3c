"""Koha's library limits of debit types (account_debit_types_branches) and payment types
(authorised_values_branches), Koha's order of payment types, and the archived and can_be_sold
filters. X-Base-Total-Count is what the client may see; X-Total-Count what matched."""
import pytest

from koha.models import SystemPreference
from payments.services.clients import create_api_client
from tests.factories import (
    CashRegisterFactory,
    DebitTypeFactory,
    LibraryFactory,
    PaymentTypeFactory,
    koha_staff,
    limit_debit_type,
    limit_payment_type,
)
from tests.helpers import (
    DEBIT_TYPES_URL,
    PAYMENT_TYPES_URL,
    REGISTERS_URL,
    bearer_client,
    get_token,
    koha_key_api,
)


def listed(api, url, **params) -> list[str]:
    response = api.get(url, params)
    assert response.status_code == 200, response.content
    key = {DEBIT_TYPES_URL: "code", PAYMENT_TYPES_URL: "value",
           REGISTERS_URL: "cash_register_id"}[url]
    return [row[key] for row in response.json()]


@pytest.fixture
def limited_types(koha):
    """COPY only at MPL, SCAN at CPL and MPL, PRINT everywhere; CARD only at MPL."""
    DebitTypeFactory(code="COPY")
    DebitTypeFactory(code="SCAN")
    limit_debit_type("COPY", "MPL")
    limit_debit_type("SCAN", "CPL", "MPL")
    PaymentTypeFactory(authorised_value="CARD", lib="Card")
    limit_payment_type("CARD", "MPL")


@pytest.fixture
def both_libraries(koha):
    credentials = create_api_client(name="CPL and MPL", staff_patron_id=51,
                                    library_ids=["CPL", "MPL"])
    return bearer_client(get_token(credentials))


def test_debit_types_follow_kohas_library_limits(limited_types, kiosk, both_libraries):
    at_cpl = listed(kiosk.api, DEBIT_TYPES_URL, can_be_sold="true")
    assert "PRINT" in at_cpl and "SCAN" in at_cpl and "COPY" not in at_cpl  # its one library
    at_mpl = listed(both_libraries, DEBIT_TYPES_URL, library_id="MPL", can_be_sold="true")
    assert {"PRINT", "SCAN", "COPY"} <= set(at_mpl)
    either = listed(both_libraries, DEBIT_TYPES_URL, can_be_sold="true")  # no default library
    assert {"PRINT", "SCAN", "COPY"} <= set(either)
    assert "COPY" not in listed(both_libraries, DEBIT_TYPES_URL, library_id="CPL")


def test_payment_types_follow_kohas_library_limits(limited_types, kiosk, both_libraries):
    assert "CARD" not in listed(kiosk.api, PAYMENT_TYPES_URL)
    assert "CARD" in listed(both_libraries, PAYMENT_TYPES_URL, library_id="MPL")
    assert "CARD" in listed(both_libraries, PAYMENT_TYPES_URL)
    assert "CARD" not in listed(both_libraries, PAYMENT_TYPES_URL, library_id="CPL")
    assert "CASH" in listed(kiosk.api, PAYMENT_TYPES_URL)  # no limits: everywhere


def test_a_keys_owner_is_at_their_home_library_unless_they_ask(limited_types):
    """Koha's API acts in the owner's home library (its userenv branch) unless asked."""
    SystemPreference.objects.filter(variable="RESTOAuth2ClientCredentials").update(value="1")
    api = koha_key_api(koha_staff("clerk", library=LibraryFactory(branchcode="FPL"),
                                  codes=[("updatecharges", "remaining_permissions")]))
    home = listed(api, DEBIT_TYPES_URL)  # at the clerk's home library, FPL
    assert "COPY" not in home and "SCAN" not in home and "PRINT" in home
    assert "COPY" in listed(api, DEBIT_TYPES_URL, library_id="MPL")
    assert "CARD" in listed(api, PAYMENT_TYPES_URL, library_id="MPL")


def test_payment_types_come_in_kohas_order_by_label(koha, kiosk):
    PaymentTypeFactory(authorised_value="APPLE", lib="apple pay")  # Koha's collation: a < C
    PaymentTypeFactory(authorised_value="BANK", lib="Cash")  # CASH's label: then lib_opac
    PaymentTypeFactory(authorised_value="ZZZ", lib=None)  # no label sorts first
    assert listed(kiosk.api, PAYMENT_TYPES_URL) == [
        "ZZZ", "APPLE", "BANK", "CASH", "SIP00", "SIP02", "SIP01"]


def test_archived_only_when_asked(koha, kiosk):
    CashRegisterFactory(id=9, name="Old till", library=koha.cpl, archived=True)
    DebitTypeFactory(code="FAX", archived=True)
    assert listed(kiosk.api, REGISTERS_URL) == [1]
    assert listed(kiosk.api, REGISTERS_URL, archived="true") == [9]
    assert listed(kiosk.api, REGISTERS_URL, archived="false") == [1]
    assert "FAX" not in listed(kiosk.api, DEBIT_TYPES_URL)
    assert listed(kiosk.api, DEBIT_TYPES_URL, archived="true") == ["FAX"]


def test_can_be_sold_filters_and_the_counts_say_so(koha, kiosk):
    DebitTypeFactory(code="COPY", can_be_sold=False, can_be_invoiced=True)
    sold = kiosk.api.get(DEBIT_TYPES_URL, {"can_be_sold": "true"})
    assert [t["code"] for t in sold.json()] == ["PRINT"]
    everything = kiosk.api.get(DEBIT_TYPES_URL, {"_per_page": "-1"})
    every_code = [t["code"] for t in everything.json()]
    assert "COPY" in every_code and "OVERDUE" in every_code  # Koha's system types too
    assert all(t["can_be_sold"] is False for t in
               kiosk.api.get(DEBIT_TYPES_URL, {"can_be_sold": "false", "_per_page": "-1"}).json())
    assert sold["X-Total-Count"] == "1"
    assert sold["X-Base-Total-Count"] == everything["X-Base-Total-Count"] == str(len(every_code))


def test_register_counts_base_on_the_clients_scope(koha, kiosk):
    CashRegisterFactory(id=9, name="Old till", library=koha.cpl, archived=True)
    response = kiosk.api.get(REGISTERS_URL)
    assert (response["X-Total-Count"], response["X-Base-Total-Count"]) == ("1", "2")
