"""Paying existing debits: every refusal is a 4xx in Koha's shape that writes nothing — the lines
named, the amount, the body's shape, everything a charge's intake checks, and the payments Koha
would accompany with circulation changes (``requires_koha``)."""
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from koha.models import AccountLine, CashRegister, SystemPreference
from payments.services.clients import create_api_client
from tests.factories import AccountLineFactory, CashRegisterFactory, PatronFactory, koha_debit
from tests.helpers import (
    assert_refused,
    bearer_client,
    get_token,
    pay_body,
    payments_url,
    row_counts,
)

NOW = timezone.now().replace(microsecond=0)


def outstanding(line) -> D:
    return AccountLine.objects.values_list("amountoutstanding", flat=True).get(pk=line.pk)


# --- the lines named -----------------------------------------------------------------------------
def another_patrons_debit(debts):
    PatronFactory(borrowernumber=43, library_id="CPL")
    return koha_debit(patron_id=43, amount="2.00", at=NOW).pk, "is not a line of patron 42"


def a_credit_of_the_patron(debts):
    credit = AccountLineFactory(patron_id=42, amount=D("-3"), amountoutstanding=D("-3"),
                                credit_type_id="CREDIT", date=NOW)
    return credit.pk, "is a credit, not a debit"


def a_debit_paid_off(debts):
    AccountLine.objects.filter(pk=debts.card.pk).update(amountoutstanding=0)
    return debts.card.pk, "has nothing outstanding"


def no_such_line(debts):
    return 999_999, "is not a line of patron 42"


@pytest.mark.parametrize("named", [another_patrons_debit, a_credit_of_the_patron,
                                   a_debit_paid_off, no_such_line])
def test_a_line_that_cannot_be_paid_is_refused(debts, pay, named):
    line_id, reason = named(debts)
    before = row_counts()
    body = assert_refused(pay(pay_body("1.00", debts.hobbit.pk, line_id)), 400,
                          "invalid_account_line", before)
    assert body["error"] == f"Account line {line_id} {reason}."
    assert outstanding(debts.hobbit) == 5  # the valid line named first is not paid either


# --- the amount ----------------------------------------------------------------------------------
@pytest.mark.parametrize("lines", [(), ("dune",), ("dune", "hobbit", "card")])
def test_more_than_the_patron_owes_is_refused(debts, pay, lines):
    before = row_counts()
    body = assert_refused(pay(pay_body("10.51", *(getattr(debts, n).pk for n in lines))), 400,
                          "amount_exceeds_outstanding", before)
    assert body["outstanding"] == 10.5
    assert body["error"] == ("Patron 42 owes 10.5 in outstanding debits; 10.51 is more, and "
                             "kohapay never leaves an unapplied credit.")


def test_a_patron_who_owes_nothing_cannot_pay(koha, pay):
    before = row_counts()
    body = assert_refused(pay(pay_body("1")), 400, "amount_exceeds_outstanding", before)
    assert body["outstanding"] == 0


def test_everything_owed_can_be_paid_and_an_earlier_credit_stays_as_koha_left_it(debts, pay):
    AccountLineFactory(patron_id=42, amount=D("-3"), amountoutstanding=D("-3"),
                       credit_type_id="CREDIT", date=NOW)  # Koha's pay does not use it either
    response = pay(pay_body("10.50"))
    assert response.status_code == 201, response.content
    assert response.json()["balance"] == -3
    assert [outstanding(d) for d in (debts.card, debts.hobbit, debts.dune)] == [0, 0, 0]


# --- the body's shape ----------------------------------------------------------------------------
@pytest.mark.parametrize("value, message", [
    ([], "Must name at least one account line (leave it out to pay the oldest debts)."),
    ([1, 2, 1], "Names account line 1 more than once."),
    (list(range(1, 102)), "May name at most 100 account lines."),
    (["1"], "Must hold account line ids: positive integers."),
    ([1.5], "Must hold account line ids: positive integers."),
    ([True], "Must hold account line ids: positive integers."),
    ([0], "Must hold account line ids: positive integers."),
    ([2**31], "Must hold account line ids: positive integers."),
    (1, "Must be a JSON array of account line ids."),
    ("1,2", "Must be a JSON array of account line ids."),
    ({"id": 1}, "Must be a JSON array of account line ids."),
    (None, "This field may not be null."),
])
def test_account_lines_ids_must_be_distinct_positive_integers(debts, pay, value, message):
    before = row_counts()
    body = assert_refused(pay(pay_body("1", account_lines_ids=value)), 400,
                          "invalid_account_lines_ids", before)
    assert body["error"] == f"account_lines_ids: {message}"
    assert body["errors"][0] == {"message": message, "path": "/body/account_lines_ids"}


def test_a_debit_type_and_lines_together_are_ambiguous(debts, pay):
    before = row_counts()
    body = assert_refused(pay(pay_body("1", debts.card.pk, debit_type="PRINT")), 400,
                          "ambiguous_payment", before)
    assert [e["path"] for e in body["errors"]] == ["/body/debit_type", "/body/account_lines_ids"]


@pytest.mark.parametrize("overrides, code", [
    ({"amount": "0"}, "invalid_amount"),
    ({"amount": "1.0000001"}, "invalid_amount"),
    ({"amount": None}, "invalid_amount"),
    ({"payment_type": None}, "invalid_payment_type"),
    ({"register_id": "1"}, "invalid_register_id"),
    ({"description": "x" * 2001}, "invalid_description"),
    ({"note": 5}, "invalid_note"),
    ({"external_id": ""}, "invalid_external_id"),
    ({"amont": 1}, "unknown_property"),
])
def test_the_shape_rules_of_the_intake_hold(debts, pay, overrides, code):
    before = row_counts()
    assert_refused(pay({**pay_body("1", debts.card.pk), **overrides}), 400, code, before)


# --- everything a charge's intake checks ---------------------------------------------------------
def archive_register(koha):
    CashRegister.objects.filter(pk=1).update(archived=True)


def cash_registers_on(koha):
    SystemPreference.objects.filter(variable="UseCashRegisters").update(value="1")


@pytest.mark.parametrize("setup, overrides, status, code", [
    (None, {"payment_type": "BITCOIN"}, 400, "invalid_payment_type"),
    (cash_registers_on, {"register_id": None}, 400, "register_required"),
    (None, {"register_id": 999}, 400, "unknown_register"),
    (archive_register, {}, 400, "register_archived"),
    (None, {"library_id": "NOPE"}, 400, "unknown_library"),
    (None, {"library_id": "MPL", "register_id": None, "payment_type": "SIP01"}, 403,
     "library_not_allowed"),
    (None, {"register_id": "other"}, 403, "register_not_allowed"),
])
def test_the_configuration_and_scope_rules_of_the_intake_hold(debts, koha, kiosk, pay, setup,
                                                              overrides, status, code):
    if setup:
        setup(koha)
    if overrides.get("register_id") == "other":
        overrides = {"register_id": koha.other_register.pk}
    before = row_counts()
    assert_refused(pay(pay_body("1", debts.card.pk, **overrides)), status, code, before)


def test_an_unknown_patron_is_404(debts, pay):
    before = row_counts()
    assert_refused(pay(pay_body("1"), patron_id=999), 404, "patron_not_found", before)


def test_a_used_external_id_or_a_reused_key_is_refused(debts, pay):
    first = pay(pay_body("1", debts.card.pk, external_id="kiosk1-7"), key="k-7")
    assert first.status_code == 201
    before = row_counts()
    body = assert_refused(pay(pay_body("1", debts.dune.pk, external_id="kiosk1-7")), 409,
                          "duplicate_external_id", before)
    assert body["payment_id"] == first.json()["payment_id"]
    assert_refused(pay(pay_body("2", debts.dune.pk), key="k-7"), 422, "idempotency_key_reused",
                   before)
    # a charge under a pay's key is another request too
    assert_refused(pay(key="k-7"), 422, "idempotency_key_reused", before)


# --- what Koha's apply would do beyond the ledger ------------------------------------------------
@pytest.fixture
def accruing(koha):
    """A fine still accruing on a checked-out item (Koha's fines cron: OVERDUE, UNRETURNED)."""
    return koha_debit(amount="3.00", at=NOW - timedelta(days=1), status="UNRETURNED",
                      item_id=601, description="Overdue: Emma")


@pytest.fixture
def lost_fee(koha):
    """A lost item's replacement fee (LOST, with its item)."""
    return koha_debit(amount="20.00", at=NOW - timedelta(days=1), debit_type="LOST",
                      item_id=602, description="Lost: Middlemarch")


def set_preference(name, value):
    SystemPreference.objects.filter(variable=name).update(value=value)


def test_paying_an_accruing_fine_off_while_koha_renews_on_payment_is_refused(accruing, pay):
    set_preference("RenewAccruingItemWhenPaid", "1")
    before = row_counts()
    body = assert_refused(pay(pay_body("3", accruing.pk)), 409, "requires_koha", before)
    assert body["error"] == (f"Paying account line {accruing.pk} off would make Koha renew item "
                             "601 (RenewAccruingItemWhenPaid is on), which kohapay cannot do: "
                             "take this payment in Koha.")
    assert pay(pay_body("2.99", accruing.pk)).status_code == 201  # partly paid: Koha renews not


def test_an_accruing_fine_is_paid_when_koha_does_not_renew_on_payment(accruing, pay):
    assert pay(pay_body("3", accruing.pk)).status_code == 201  # RenewAccruingItemWhenPaid: 0
    line = AccountLine.objects.get(pk=accruing.pk)
    assert (line.amountoutstanding, line.status) == (0, "UNRETURNED")  # apply never sets status


def test_paying_a_lost_fee_off_while_koha_returns_on_payment_is_refused(lost_fee, pay):
    before = row_counts()  # Koha's default MarkLostItemsAsReturned lists onpayment
    body = assert_refused(pay(pay_body("20", lost_fee.pk)), 409, "requires_koha", before)
    assert "return lost item 602 (MarkLostItemsAsReturned lists onpayment)" in body["error"]
    assert pay(pay_body("19", lost_fee.pk)).status_code == 201


def test_the_remainder_reaching_a_lost_fee_is_refused_too(debts, lost_fee, pay):
    before = row_counts()
    assert_refused(pay(pay_body("30.50", debts.card.pk)), 409, "requires_koha", before)


def test_a_lost_fee_is_paid_when_koha_does_not_return_on_payment(lost_fee, pay):
    set_preference("MarkLostItemsAsReturned", "batchmod,moredetail,cronjob,additem")
    assert pay(pay_body("20", lost_fee.pk)).status_code == 201


# --- who may pay ---------------------------------------------------------------------------------
def test_a_client_narrowed_to_some_debit_types_may_take_payment_of_any_debt(debts):
    """The narrowing limits what a client may charge; paying creates no debit."""
    credentials = create_api_client(name="Printing kiosk", staff_patron_id=51,
                                    library_ids=["CPL"], debit_type_codes=["PRINT"])
    api = bearer_client(get_token(credentials))
    response = api.post(payments_url(), pay_body("5", debts.hobbit.pk), format="json")
    assert response.status_code == 201, response.content


def test_a_koha_api_key_pays_as_its_owner(debts, key_pay, koha_key):
    response = key_pay(pay_body("5", debts.hobbit.pk))
    assert response.status_code == 201, response.content
    credit = AccountLine.objects.get(pk=response.json()["payment_id"])
    assert (credit.manager_id, credit.library_id, credit.interface) == (
        koha_key.owner.pk, "CPL", "api")


def test_a_register_of_the_clients_library_sets_the_library(debts, koha, pay):
    till = CashRegisterFactory(name="Back office", library=koha.cpl)
    response = pay(pay_body("1.50", debts.card.pk, register_id=till.pk))
    assert response.status_code == 201
    assert response.json()["credit"]["cash_register_id"] == till.pk
