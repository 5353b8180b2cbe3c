"""GET /patrons/{patron_id}/account: Koha's own answer (Koha::REST::V1::Patrons::Account::get) —
the balance is the SUM of every line's amountoutstanding, the outstanding debits are the lines
with amount > 0 and amountoutstanding > 0, the credits those with both < 0, each with its
total; all exact, oldest first, unpaginated as in Koha."""
import json
from decimal import Decimal

import pytest

from koha.models import AccountLine
from tests.factories import charge_and_pay, owed, unspent
from tests.helpers import account_url, utc


def account(api, patron_id=42) -> dict:
    response = api.get(account_url(patron_id))
    assert response.status_code == 200, response.content
    return json.loads(response.content, parse_float=Decimal)  # the numbers as sent


def line_ids(part: dict) -> list[int]:
    return [line["account_line_id"] for line in part["lines"]]


def test_a_patron_with_debits_and_credits_owes_exactly_kohas_balance(koha, kiosk):
    at = utc(2024, 5, 2, 10)
    fine = owed(patron=koha.patron, amount="5.00", at=at)
    lost = owed(patron=koha.patron, amount="12.345678", outstanding="7.000001",
                debit_type="LOST", at=at)
    owed(patron=koha.patron, amount="3.00", outstanding="0", at=at)  # paid: not listed
    credit = unspent(patron=koha.patron, amount="1.10", at=at)
    unspent(patron=koha.patron, amount="4.00", outstanding="0", at=at)  # used: not listed
    charge_and_pay(register=koha.register, at=at, amount="2.50", patron=koha.patron,
                   manager=koha.staff)  # a settled sale: nothing owed
    body = account(kiosk.api)
    assert line_ids(body["outstanding_debits"]) == [fine.pk, lost.pk]
    assert line_ids(body["outstanding_credits"]) == [credit.pk]
    assert body["outstanding_debits"]["total"] == Decimal("12.000001")
    assert body["outstanding_credits"]["total"] == Decimal("-1.1")
    assert body["balance"] == Decimal("10.900001")
    assert b'"balance":10.900001,' in kiosk.api.get(account_url(42)).content


def test_the_balance_counts_lines_that_are_neither_debit_nor_credit_as_koha_does(koha, kiosk):
    """A debit whose outstanding went below zero is in Koha's balance but in neither list."""
    owed(patron=koha.patron, amount="2.00", outstanding="-0.50")
    owed(patron=koha.patron, amount="1.00")
    AccountLine.objects.create(patron=koha.patron, amount=Decimal(1), amountoutstanding=None,
                               debit_type_id="MANUAL", interface="intranet")
    body = account(kiosk.api)
    assert body["balance"] == Decimal("0.5")
    assert body["outstanding_debits"]["total"] == Decimal("1")
    assert body["outstanding_credits"] == {"lines": [], "total": 0}


def test_only_this_patrons_lines(koha, kiosk):
    other = owed(patron=koha.staff, amount="9.99")
    mine = owed(patron=koha.patron, amount="1.00")
    assert line_ids(account(kiosk.api)["outstanding_debits"]) == [mine.pk]
    assert line_ids(account(kiosk.api, 51)["outstanding_debits"]) == [other.pk]


def test_every_outstanding_line_comes_back_oldest_first_unpaginated(koha, kiosk):
    made = [owed(patron=koha.patron, amount="0.10").pk for _ in range(60)]
    body = account(kiosk.api)
    assert line_ids(body["outstanding_debits"]) == made  # Koha's route has no pages
    assert body["outstanding_debits"]["total"] == Decimal("6")


def test_after_an_intake_the_account_agrees_with_its_balance(koha, kiosk, pay):
    owed(patron=koha.patron, amount="4.20")
    intake = pay(external_id="kiosk1-1")
    assert intake.status_code == 201, intake.content
    paid = json.loads(intake.content, parse_float=Decimal)
    assert account(kiosk.api)["balance"] == paid["balance"] == Decimal("4.2")


@pytest.mark.parametrize("patron_id", ["abc", "-1", "1.5", "99999999999", "４２", "42 "])
def test_a_patron_id_that_is_no_id_is_a_400(koha, kiosk, patron_id):
    response = kiosk.api.get(account_url(patron_id))
    assert response.status_code == 400
    assert response.json()["error_code"] == "invalid_patron_id"


def test_patron_zero_is_no_patron(koha, kiosk):
    assert kiosk.api.get(account_url(0)).json()["error_code"] == "patron_not_found"


def test_query_parameters_are_ignored_as_koha_ignores_them(koha, kiosk):
    owed(patron=koha.patron, amount="1.00")
    plain = account(kiosk.api)
    assert kiosk.api.get(account_url(42), {"_page": "x", "q": "{}"}).json() == plain
