"""The 201 body: Koha's debit and credit definitions exactly, exact amounts, and the same body on
every later read (GET by id, lookup by external_id)."""
import json
from decimal import Decimal

import pytest

from koha.models import AccountLine
from tests.helpers import payments_url

KOHA_DEBIT = {"account_line_id", "amount", "amount_outstanding", "cash_register_id",
              "checkout_id", "date", "description", "interface", "internal_note", "item_id",
              "library_id", "patron_id", "payout_type", "status", "timestamp", "type", "user_id"}
KOHA_CREDIT = {"account_line_id", "amount", "amount_outstanding", "cash_register_id",
               "credit_number", "date", "description", "interface", "internal_note",
               "library_id", "patron_id", "payment_type", "status", "timestamp", "type",
               "user_id"}


def post_raw(kiosk, text: str, **headers):
    return kiosk.api.post(payments_url(), text, content_type="application/json", **headers)


def test_body_has_exactly_kohas_properties(kiosk, pay):
    body = pay(external_id="kiosk-1").json()
    assert set(body) == {"payment_id", "patron_id", "external_id", "balance", "debit", "credit",
                         "offsets"}
    assert set(body["debit"]) == KOHA_DEBIT
    assert set(body["credit"]) == KOHA_CREDIT
    assert all(set(o) == {"offset_id", "type", "credit_id", "debit_id", "amount"}
               for o in body["offsets"])
    assert (body["patron_id"], body["external_id"]) == (42, "kiosk-1")
    assert body["credit"]["account_line_id"] == body["payment_id"]
    assert (body["credit"]["amount"], body["credit"]["payment_type"]) == (-2.5, "CASH")
    assert (body["debit"]["cash_register_id"], body["credit"]["cash_register_id"]) == (None, 1)
    assert body["debit"]["user_id"] == body["credit"]["user_id"] == 51


@pytest.mark.parametrize("amount", ["0.1", "0.2", "1234.567891", "10000", "0.000001", "99.99"])
def test_amounts_round_trip_exactly(kiosk, amount):
    # sent as a JSON number, digit for digit; read back from the DB and the JSON text
    response = post_raw(kiosk, '{"debit_type":"PRINT","amount":%s,"payment_type":"CASH",'
                               '"register_id":1}' % amount)
    assert response.status_code == 201, response.content
    text = response.content.decode()
    assert f'"amount":{amount},' in text and f'"amount":-{amount},' in text
    assert "E" not in text.split('"date"')[0]  # no exponent form such as 1E+4
    body = json.loads(text, parse_float=Decimal)
    debit = AccountLine.objects.get(pk=body["debit"]["account_line_id"])
    credit = AccountLine.objects.get(pk=body["payment_id"])
    assert (debit.amount, credit.amount) == (Decimal(amount), -Decimal(amount))
    assert body["debit"]["amount"] == Decimal(amount)
    assert [o["amount"] for o in body["offsets"]] == [Decimal(amount), Decimal(amount),
                                                      -Decimal(amount)]


def test_amount_as_decimal_string_is_the_same_amount(kiosk, pay):
    body = pay(amount="1234.567891").json()
    assert AccountLine.objects.get(pk=body["payment_id"]).amount == Decimal("-1234.567891")


def test_balance_is_the_patrons_balance_after(koha, kiosk, pay):
    AccountLine.objects.create(patron_id=42, amount=Decimal("3.20"),
                               amountoutstanding=Decimal("3.20"), debit_type_id="PRINT",
                               interface="intranet")
    assert pay().json()["balance"] == 3.2  # the intake itself leaves it unchanged


def test_get_returns_the_same_body_to_the_recording_client(kiosk, pay):
    created = pay(external_id="ext-42")
    body = created.json()
    fetched = kiosk.api.get(created["Location"])
    assert fetched.status_code == 200
    assert fetched.content == created.content
    listed = kiosk.api.get(payments_url(), {"external_id": "ext-42"})
    assert listed.status_code == 200 and listed.json() == [body]
    assert kiosk.api.get(payments_url(), {"external_id": "other"}).json() == []
    assert kiosk.api.get(payments_url()).json() == [body]


def test_other_clients_and_other_patrons_do_not_see_it(koha, kiosk, pay):
    from payments.services.clients import create_api_client
    from tests.helpers import bearer_client, get_token

    payment_id = pay(external_id="mine").json()["payment_id"]
    other = bearer_client(get_token(create_api_client(
        name="Other kiosk", staff_patron_id=51, library_ids=["CPL"])))
    response = other.get(payments_url(42, payment_id))
    assert response.status_code == 404 and response.json()["error_code"] == "payment_not_found"
    assert other.get(payments_url(), {"external_id": "mine"}).json() == []
    assert kiosk.api.get(payments_url(51, payment_id)).status_code == 404
    assert kiosk.api.get(payments_url(42, "x")).json()["error_code"] == "invalid_payment_id"
