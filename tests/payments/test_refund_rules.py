"""A refund's rules, each refusal a 4xx in Koha's shape that writes nothing: only the client's
own payments and sales (another client's is a 404), the amount (never above what is still
refundable), the register and library the money leaves from, the payout type, a voided payment,
a debit that still owes what would be refunded, the body's shape, and a Koha API key's Koha
permission (``updatecharges: refund`` for a payment, ``cash_management: anonymous_refund`` for
a sale)."""
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from koha.models import AccountLine, CashRegister, SystemPreference
from payments.services.clients import create_api_client
from tests.factories import CashRegisterFactory, PatronFactory, koha_staff, limit_payment_type
from tests.helpers import (
    assert_refused,
    bearer_client,
    get_token,
    koha_key_api,
    pay_body,
    payment_refunds_url,
    row_counts,
    sale_body,
    sale_refunds_url,
)


@pytest.fixture
def paid(pay):
    """A charge of 2.50 patron 42 paid in cash at register 1."""
    return pay().json()["payment_id"]


@pytest.fixture
def sold(sell):
    return sell(sale_body(("PRINT", "0.20", 12), ("COPYCARD", "5", 1))).json()["sale_id"]


# --- whose payment ------------------------------------------------------------------------------
def test_another_clients_payment_or_sale_is_404(koha, paid, sold, refund):
    other = bearer_client(get_token(create_api_client(
        name="Other kiosk", staff_patron_id=51, library_ids=["CPL"])))
    before = row_counts()
    assert_refused(refund(payment_id=paid, api=other), 404, "payment_not_found", before)
    assert_refused(refund(sale_id=sold, api=other), 404, "sale_not_found", before)


def test_a_payment_of_another_patron_or_no_payment_is_404(paid, sold, refund):
    PatronFactory(borrowernumber=43, library_id="CPL")
    before = row_counts()
    assert_refused(refund(payment_id=paid, patron_id=43), 404, "payment_not_found", before)
    assert_refused(refund(payment_id=999_999), 404, "payment_not_found", before)
    assert_refused(refund(payment_id=sold), 404, "payment_not_found", before)  # a sale's id
    assert_refused(refund(sale_id=paid), 404, "sale_not_found", before)  # a payment's id


def test_a_sale_at_another_register_is_404(koha, sold, refund):
    before = row_counts()
    assert_refused(refund(sale_id=sold, register_id=koha.other_register.pk), 404,
                   "sale_not_found", before)


# --- how much -----------------------------------------------------------------------------------
def test_more_than_is_refundable_is_400_with_what_is_left(paid, refund):
    assert refund(payment_id=paid, amount="1.00").status_code == 201
    before = row_counts()
    body = assert_refused(refund(payment_id=paid, amount="1.51"), 400,
                          "amount_exceeds_refundable", before)
    assert body["refundable"] == 1.5
    assert body["error"] == f"Payment {paid} has 1.5 left to refund; 1.51 is more."


def test_nothing_left_to_refund_is_400(paid, refund, sold):
    assert refund(payment_id=paid).status_code == 201
    assert refund(sale_id=sold).status_code == 201
    before = row_counts()
    body = assert_refused(refund(payment_id=paid), 400, "amount_exceeds_refundable", before)
    assert (body["refundable"], body["error"]) == (0, f"Payment {paid} has 0 left to refund.")
    assert_refused(refund(sale_id=sold, amount="0.01"), 400, "amount_exceeds_refundable", before)


def test_a_voided_payment_is_409(paid, refund):
    AccountLine.objects.filter(pk=paid).update(status="VOID")  # Koha's void, in short
    before = row_counts()
    assert_refused(refund(payment_id=paid), 409, "payment_voided", before)


def test_a_debit_that_still_owes_what_would_be_refunded_needs_koha(debts, pay, refund):
    """Koha's reduce would take such a refund off the debt, and its payout would fail."""
    payment = pay(pay_body("6", debts.dune.pk, debts.hobbit.pk)).json()["payment_id"]
    before = row_counts()  # dune 4 paid off, hobbit 2 of 5: it still owes 3
    body = assert_refused(refund(payment_id=payment, amount="6"), 409, "requires_koha", before)
    assert f"Account line {debts.hobbit.pk} still owes 3" in body["error"]
    assert refund(payment_id=payment, amount="4").status_code == 201  # dune alone


# --- where the money leaves ---------------------------------------------------------------------
def test_an_unknown_archived_or_foreign_register_is_refused(koha, paid, refund):
    before = row_counts()
    assert_refused(refund(payment_id=paid, cash_register_id=999), 400, "unknown_register",
                   before)
    assert_refused(refund(payment_id=paid, cash_register_id=koha.other_register.pk), 403,
                   "register_not_allowed", before)
    CashRegister.objects.filter(pk=1).update(archived=True)
    assert_refused(refund(payment_id=paid), 400, "register_archived", before)  # its default
    lobby = CashRegisterFactory(name="Lobby", library=koha.cpl)
    assert refund(payment_id=paid, cash_register_id=lobby.pk).status_code == 201


def test_cash_without_any_register_needs_one_when_koha_uses_registers(pay, refund):
    by_card = pay(payment_type="SIP01", register_id=None, library_id="CPL").json()["payment_id"]
    before = row_counts()
    assert_refused(refund(payment_id=by_card), 400, "register_required", before)
    response = refund(payment_id=by_card, payout_type="SIP01")  # back on the card
    assert response.status_code == 201
    assert (response.json()["cash_register_id"], response.json()["library_id"]) == (None, "CPL")


def test_the_payout_type_is_a_payment_type_available_there(paid, refund):
    limit_payment_type("SIP01", "MPL")
    before = row_counts()
    assert_refused(refund(payment_id=paid, payout_type="BITCOIN"), 400, "invalid_payment_type",
                   before)
    assert_refused(refund(payment_id=paid, payout_type="cash"), 400, "invalid_payment_type",
                   before)
    assert_refused(refund(payment_id=paid, payout_type="SIP01"), 400,
                   "payment_type_not_at_library", before)


# --- the body -----------------------------------------------------------------------------------
@pytest.mark.parametrize("body, code", [
    ({"amount": "0,50"}, "invalid_amount"),
    ({"amount": -1}, "invalid_amount"),
    ({"amount": 0}, "invalid_amount"),
    ({"amount": None}, "invalid_amount"),
    ({"amount": "1e1"}, "invalid_amount"),
    ({"payout_type": None}, "invalid_payout_type"),
    ({"payout_type": 1}, "invalid_payout_type"),
    ({"cash_register_id": "1"}, "invalid_cash_register_id"),
    ({"cash_register_id": 0}, "invalid_cash_register_id"),
    ({"reason": 5}, "invalid_reason"),
    ({"reason": "x" * 2001}, "invalid_reason"),
    ({"refund_type": "AC"}, "unknown_property"),
])
def test_a_malformed_body_is_refused(paid, refund, body, code):
    before = row_counts()
    assert_refused(refund(payment_id=paid, **body), 400, code, before)


def test_a_body_without_payout_type_or_not_an_object_is_refused(paid, kiosk):
    before = row_counts()
    for body in ({}, [], "CASH"):
        response = kiosk.api.post(payment_refunds_url(paid), body, format="json")
        assert response.status_code == 400 and row_counts() == before


@pytest.mark.parametrize("path", [payment_refunds_url("x"), payment_refunds_url(1, "x"),
                                  sale_refunds_url("x"), sale_refunds_url(1, "0x1")])
def test_bad_ids_in_the_path_are_400(kiosk, path):
    response = kiosk.api.post(path, {"payout_type": "CASH"}, format="json")
    assert response.status_code == 400 and response.json()["error_code"].startswith("invalid_")


# --- Koha API keys ------------------------------------------------------------------------------
@pytest.fixture
def keys_on(koha):
    SystemPreference.objects.filter(variable="RESTOAuth2ClientCredentials").update(value="1")


def test_koha_keys_need_kohas_refund_permissions(koha, keys_on, for_sale):
    cashier = koha_staff("cashier", library=koha.cpl, codes=[
        ("updatecharges", "remaining_permissions"), ("cash_management", "takepayment")])
    api = koha_key_api(cashier)
    payment = api.post("/api/v1/patrons/42/account/payments",
                       {"debit_type": "PRINT", "amount": "1", "payment_type": "CASH",
                        "register_id": 1}, format="json").json()["payment_id"]
    sale = api.post("/api/v1/cash_registers/1/sales", sale_body(),
                    format="json").json()["sale_id"]
    before = row_counts()
    body = assert_refused(api.post(payment_refunds_url(payment), {"payout_type": "CASH"},
                                   format="json"), 403, "missing_permission", before)
    assert body["required_permissions"] == {"updatecharges": "refund"}
    body = assert_refused(api.post(sale_refunds_url(sale), {"payout_type": "CASH"},
                                   format="json"), 403, "missing_permission", before)
    assert body["required_permissions"] == {"cash_management": "anonymous_refund"}


def test_a_koha_key_with_anonymous_refund_refunds_its_sales(koha, keys_on, for_sale):
    cashier = koha_staff("cashier2", library=koha.cpl, codes=[
        ("cash_management", "takepayment"), ("cash_management", "anonymous_refund")])
    api = koha_key_api(cashier)
    sale = api.post("/api/v1/cash_registers/1/sales", sale_body(),
                    format="json").json()["sale_id"]
    response = api.post(sale_refunds_url(sale), {"payout_type": "CASH", "amount": 1},
                        format="json")
    assert response.status_code == 201, response.content
    assert response.json()["refunds"][0]["payout"]["user_id"] == cashier.pk


def test_time_is_not_a_rule_an_old_payment_is_refundable(pay, refund):
    payment = pay().json()["payment_id"]
    AccountLine.objects.filter(pk=payment).update(
        date=timezone.now() - timedelta(days=400))
    assert refund(payment_id=payment).json(parse_float=D)["amount"] == D("2.5")
