"""A sale's rules, each refusal a 4xx in Koha's shape that writes nothing: the register (exists,
in the client's scope, not archived), each item's debit type (exists, the client's, not
archived, can be sold, available at the register's library), the payment type (a PAYMENT_TYPE
value available there), and the Koha permission of a Koha API key."""
import pytest

from koha.models import CashRegister, SystemPreference
from payments.services.clients import create_api_client
from tests.factories import (
    CashRegisterFactory,
    DebitTypeFactory,
    koha_staff,
    limit_debit_type,
    limit_payment_type,
)
from tests.helpers import (
    assert_refused,
    bearer_client,
    get_token,
    koha_key_api,
    row_counts,
    sale_body,
    sales_url,
)


# --- the register ------------------------------------------------------------------------------
def test_an_unknown_register_is_404(sell):
    before = row_counts()
    body = assert_refused(sell(register_id=999), 404, "register_not_found", before)
    assert body["error"] == "No cash register has the id 999."


@pytest.mark.parametrize("register_id", ["abc", "1.5", "-1", "99999999999", "١"])
def test_a_bad_register_id_in_the_path_is_400(kiosk, for_sale, register_id):
    before = row_counts()
    response = kiosk.api.post(sales_url(register_id), sale_body(), format="json")
    assert_refused(response, 400, "invalid_cash_register_id", before)


def test_a_register_of_another_library_is_out_of_scope(koha, sell):
    before = row_counts()
    assert_refused(sell(register_id=koha.other_register.pk), 403, "register_not_allowed", before)


def test_a_client_limited_to_some_registers(koha, for_sale):
    second = CashRegisterFactory(name="Lobby", library=koha.cpl)
    credentials = create_api_client(name="Lobby kiosk", staff_patron_id=51,
                                    library_ids=["CPL"], register_ids=[second.pk])
    api = bearer_client(get_token(credentials))
    before = row_counts()
    assert_refused(api.post(sales_url(1), sale_body(), format="json"), 403,
                   "register_not_allowed", before)
    assert api.post(sales_url(second.pk), sale_body(), format="json").status_code == 201


def test_an_archived_register_is_refused(koha, sell):
    CashRegister.objects.filter(pk=1).update(archived=True)
    before = row_counts()
    assert_refused(sell(), 400, "register_archived", before)


# --- each item's debit type --------------------------------------------------------------------
@pytest.mark.parametrize("code, status, error_code", [
    ("NOSUCH", 400, "unknown_debit_type"),
    ("print", 400, "unknown_debit_type"),  # Koha's collation would find PRINT: not kohapay
    ("OLDPRINT", 400, "debit_type_archived"),
    ("BINDING", 400, "debit_type_not_for_sale"),  # can_be_invoiced only
    ("OVERDUE", 400, "debit_type_not_for_sale"),  # a system type
])
def test_a_type_the_point_of_sale_would_not_offer_is_refused(sell, code, status, error_code):
    before = row_counts()
    body = assert_refused(sell(sale_body(("PRINT", "0.20", 1), (code, "1.00", 1))), status,
                          error_code, before)
    assert body["error"].startswith("items[1]: ")  # which item, in the order sent


def test_a_type_limited_to_another_library_is_refused(sell):
    limit_debit_type("COPYCARD", "MPL")
    before = row_counts()
    body = assert_refused(sell(sale_body(("COPYCARD", 5, 1))), 400, "debit_type_not_at_library",
                          before)
    assert body["error"] == "items[0]: debit type COPYCARD is not available at CPL."
    limit_debit_type("COPYCARD", "CPL")
    assert sell(sale_body(("COPYCARD", 5, 1))).status_code == 201


def test_a_client_limited_to_some_debit_types_sells_only_those(koha, for_sale):
    credentials = create_api_client(name="Print kiosk", staff_patron_id=51, library_ids=["CPL"],
                                    debit_type_codes=["PRINT"])
    api = bearer_client(get_token(credentials))
    before = row_counts()
    response = api.post(sales_url(1), sale_body(("PRINT", 1, 1), ("COPYCARD", 5, 1)),
                        format="json")
    assert_refused(response, 403, "debit_type_not_allowed_for_client", before)
    assert api.post(sales_url(1), sale_body(("PRINT", 1, 1)), format="json").status_code == 201


# --- the payment type --------------------------------------------------------------------------
def test_an_unknown_payment_type_is_refused(sell):
    before = row_counts()
    for value in ("BITCOIN", "cash"):
        assert_refused(sell(payment_type=value), 400, "invalid_payment_type", before)


def test_a_payment_type_limited_to_another_library_is_refused(sell):
    limit_payment_type("SIP01", "MPL")
    before = row_counts()
    assert_refused(sell(payment_type="SIP01"), 400, "payment_type_not_at_library", before)


def test_cash_sales_need_no_setting_a_sale_always_names_its_register(sell):
    SystemPreference.objects.filter(variable="UseCashRegisters").update(value="1")
    assert sell(payment_type="CASH").status_code == 201


# --- Koha API keys -----------------------------------------------------------------------------
@pytest.fixture
def keys_on(koha, for_sale):
    SystemPreference.objects.filter(variable="RESTOAuth2ClientCredentials").update(value="1")


def test_a_koha_key_without_takepayment_is_refused(koha, keys_on):
    clerk = koha_staff("clerk", codes=[("updatecharges", "remaining_permissions")],
                       library=koha.cpl)
    api = koha_key_api(clerk)
    before = row_counts()
    body = assert_refused(api.post(sales_url(1), sale_body(), format="json"), 403,
                          "missing_permission", before)
    assert body["required_permissions"] == {"cash_management": "takepayment"}


def test_a_koha_key_of_the_whole_cash_management_module_sells(koha, keys_on):
    manager = koha_staff("manager", modules=["cash_management"], library=koha.cpl)
    assert koha_key_api(manager).post(sales_url(1), sale_body(),
                                      format="json").status_code == 201


def test_a_koha_key_under_independent_branches_sells_only_at_home(koha, keys_on):
    SystemPreference.objects.filter(variable="IndependentBranches").update(value="1")
    cashier = koha_staff("cashier", codes=[("cash_management", "takepayment")],
                         library=koha.cpl)
    api = koha_key_api(cashier)
    before = row_counts()
    response = api.post(sales_url(koha.other_register.pk), sale_body(), format="json")
    assert_refused(response, 403, "register_not_allowed", before)
    assert api.post(sales_url(1), sale_body(), format="json").status_code == 201


def test_a_type_of_an_unrelated_library_limit_still_sells_at_the_register(koha, sell):
    DebitTypeFactory(code="MAPS", description="Maps")
    limit_debit_type("MAPS", "CPL", "MPL")
    assert sell(sale_body(("MAPS", "2.00", 3))).status_code == 201
