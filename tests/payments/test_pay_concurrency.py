"""Paying existing debits from real threads, each on its own MariaDB connection, really
committing: duplicates make one payment; two kiosks paying the same fine make one payment and
the other writes nothing; a Koha desk payment landing in between is seen, never applied twice;
distinct payments for one patron all land, debits oldest first. Each ends with the audit."""
from decimal import Decimal as D

import pytest
from django.db.models import Sum

from koha.models import AccountLine, AccountOffset
from payments.models import Intake
from payments.services.clients import create_api_client
from tests.helpers import (
    another_transaction,
    get_token,
    ledger_is_clean,
    pay_body,
    post_in_threads,
    run_concurrently,
    wait_for_lock_waits,
)

pytestmark = pytest.mark.django_db(transaction=True)

LOCKING_THE_DEBITS = "SELECT `accountlines`.`accountlines_id`%"  # the payment's second lock


def outstanding(line) -> D:
    return AccountLine.objects.values_list("amountoutstanding", flat=True).get(pk=line.pk)


def applied_to(line) -> list[D]:
    return list(AccountOffset.objects.filter(type="APPLY", debit_id=line.pk)
                .values_list("amount", flat=True))


def kiosk_payments() -> int:
    return AccountLine.objects.filter(credit_type_id="PAYMENT", interface="api").count()


def second_kiosk_token() -> str:
    return get_token(create_api_client(name="Kiosk 2", staff_patron_id=51,
                                       library_ids=["CPL"]))


def test_twenty_concurrent_duplicates_make_one_payment(debts, kiosk):
    body = pay_body("7.50", debts.hobbit.pk, debts.dune.pk)
    responses = run_concurrently(kiosk.token, [
        {"body": body, "headers": {"HTTP_IDEMPOTENCY_KEY": "same-key"}}] * 20)
    assert [r.status_code for r in responses] == [201] * 20
    originals = [r for r in responses if "Idempotent-Replayed" not in r]
    assert len(originals) == 1
    assert {r.content for r in responses} == {originals[0].content}
    assert kiosk_payments() == 1 and Intake.objects.count() == 1
    assert (outstanding(debts.hobbit), outstanding(debts.dune)) == (0, D("1.5"))
    assert applied_to(debts.hobbit) == [D("-5")] and applied_to(debts.dune) == [D("-2.5")]
    assert "OK: no anomaly." in ledger_is_clean()


def test_concurrent_duplicate_external_ids_make_one_payment(debts, kiosk):
    responses = run_concurrently(kiosk.token, [
        {"body": pay_body("2.00", external_id="gw-1")}] * 10)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 9
    payment_id = next(r for r in responses if r.status_code == 201).json()["payment_id"]
    assert all(r.json()["error_code"] == "duplicate_external_id"
               and r.json()["payment_id"] == payment_id
               for r in responses if r.status_code == 409)
    assert kiosk_payments() == 1


def test_two_kiosks_paying_the_same_fine_at_once_make_one_payment(debts, kiosk):
    """Both requests pass the rules and queue on the patron's lock (held here by a third
    transaction, so that the interleaving is certain); the first pays the fine, the second
    finds it paid under its own lock: 409 concurrent_change, nothing written."""
    bodies = [{"body": pay_body("5", debts.hobbit.pk)} for _ in range(2)]
    lock_patron = ("SELECT borrowernumber FROM borrowers WHERE borrowernumber = 42 FOR UPDATE",
                   [])
    with another_transaction(lock_patron):
        first = post_in_threads(kiosk.token, bodies[:1])
        second = post_in_threads(second_kiosk_token(), bodies[1:])
        wait_for_lock_waits(2)
    for thread in first[0] + second[0]:
        thread.join(60)
    responses = first[1] + second[1]
    assert sorted(r.status_code for r in responses) == [201, 409], [r.content for r in responses]
    refused = next(r.json() for r in responses if r.status_code == 409)
    assert refused["error_code"] == "concurrent_change"
    assert refused["error"].startswith(f"Account line {debts.hobbit.pk} was paid or changed")
    assert kiosk_payments() == 1 and Intake.objects.count() == 1
    assert outstanding(debts.hobbit) == 0 and applied_to(debts.hobbit) == [D("-5")]
    assert "OK: no anomaly." in ledger_is_clean()


def test_two_kiosks_paying_everything_at_once_make_one_payment(debts, kiosk):
    started = [post_in_threads(token, [{"body": pay_body("10.50")}])
               for token in (kiosk.token, second_kiosk_token())]
    for threads, _ in started:
        threads[0].join(60)
    responses = [answered[0] for _, answered in started]
    assert sorted(r.status_code for r in responses) == [201, 400]
    refused = next(r.json() for r in responses if r.status_code == 400)
    assert refused["error_code"] == "amount_exceeds_outstanding" and refused["outstanding"] == 0
    assert kiosk_payments() == 1
    total = AccountLine.objects.filter(patron_id=42).aggregate(b=Sum("amountoutstanding"))["b"]
    assert total == 0


def koha_desk_pays(line, amount: str) -> list[tuple[str, list]]:
    """Koha's pay at the desk, in Koha's order, not yet committed: add_credit's line (its
    foreign key holds a shared lock on the patron's ``borrowers`` row until Koha commits),
    the CREATE and APPLY offsets, and apply's UPDATE of the debit (holding its row lock)."""
    return [
        ("INSERT INTO accountlines (borrowernumber, date, amount, description, credit_type_code,"
         " amountoutstanding, note, manager_id, interface, branchcode, payment_type)"
         " VALUES (42, NOW(), %s, '', 'PAYMENT', 0, '', 51, 'intranet', 'CPL', 'CASH')",
         [f"-{amount}"]),
        ("INSERT INTO account_offsets (credit_id, debit_id, type, amount) VALUES"
         " (LAST_INSERT_ID(), NULL, 'CREATE', %s), (LAST_INSERT_ID(), %s, 'APPLY', %s)",
         [amount, line.pk, f"-{amount}"]),
        ("UPDATE accountlines SET amountoutstanding = 0 WHERE accountlines_id = %s", [line.pk]),
    ]


def test_a_koha_desk_payment_landing_in_between_is_seen_never_applied_twice(debts, kiosk):
    """The desk pays the Hobbit fine and has not committed yet when the kiosk's request names
    it: the kiosk's rules see it owed, its lock on the patron waits for the desk, and once the
    desk commits it finds the fine paid under its own lock — 409, nothing written. The retry
    is refused for what it is."""
    with another_transaction(*koha_desk_pays(debts.hobbit, "5")):
        threads, responses = post_in_threads(kiosk.token, [
            {"body": pay_body("5", debts.hobbit.pk), "headers": {"HTTP_IDEMPOTENCY_KEY": "k"}}])
        wait_for_lock_waits(1)
    threads[0].join(60)
    assert responses[0].status_code == 409, responses[0].content
    assert responses[0].json()["error_code"] == "concurrent_change"
    assert outstanding(debts.hobbit) == 0 and applied_to(debts.hobbit) == [D("-5")]
    assert kiosk_payments() == 0 and Intake.objects.count() == 0
    retry = kiosk.api.post("/api/v1/patrons/42/account/payments", pay_body("5", debts.hobbit.pk),
                           format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert retry.status_code == 400 and retry.json()["error_code"] == "invalid_account_line"


def test_an_amount_only_payment_waits_for_the_desk_and_never_pays_what_it_paid(debts, kiosk):
    """Unnamed, the kiosk waits for the desk on the patron's row, then locks what is still
    owed: it pays the card and Dune, oldest first, never the fine the desk paid."""
    with another_transaction(*koha_desk_pays(debts.hobbit, "5")):
        threads, responses = post_in_threads(kiosk.token, [{"body": pay_body("5")}])
        wait_for_lock_waits(1)
    threads[0].join(60)
    assert responses[0].status_code == 201, responses[0].content
    body = responses[0].json()
    assert [(d["account_line_id"], d["amount_outstanding"]) for d in body["debits"]] == [
        (debts.card.pk, 0), (debts.dune.pk, D("0.5"))]
    assert applied_to(debts.hobbit) == [D("-5")]  # the desk's only
    assert body["balance"] == D("0.5")
    assert "OK: no anomaly." in ledger_is_clean()


def test_a_payment_waiting_on_a_desk_that_holds_a_debit_pays_only_what_is_owed(debts, kiosk):
    """A Koha writer holding only a debit's row (an accruing fine's update by the fines cron,
    which inserts nothing): the kiosk's lock on the debits waits for it, then reads the
    committed amount."""
    raise_fine = ("UPDATE accountlines SET amount = 6, amountoutstanding = 6"
                  " WHERE accountlines_id = %s", [debts.hobbit.pk])
    with another_transaction(raise_fine):
        threads, responses = post_in_threads(kiosk.token, [
            {"body": pay_body("6", debts.hobbit.pk)}])
        wait_for_lock_waits(1, LOCKING_THE_DEBITS)
    threads[0].join(60)
    # Its balance was read before the cron committed: the balance check refuses, nothing written
    assert responses[0].status_code == 409, responses[0].content
    assert outstanding(debts.hobbit) == 6 and kiosk_payments() == 0
    retry = kiosk.api.post("/api/v1/patrons/42/account/payments",
                           pay_body("6", debts.hobbit.pk), format="json")
    assert retry.status_code == 201 and outstanding(debts.hobbit) == 0


def test_distinct_payments_for_one_patron_all_land_oldest_first(koha, kiosk):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import koha_debit

    start = timezone.now().replace(microsecond=0) - timedelta(days=30)
    fines = [koha_debit(amount="1.00", at=start + timedelta(hours=i)) for i in range(12)]
    responses = run_concurrently(kiosk.token, [
        {"body": pay_body("1.00"), "headers": {"HTTP_IDEMPOTENCY_KEY": f"p{i}"}}
        for i in range(12)])
    assert [r.status_code for r in responses] == [201] * 12
    paid = sorted(r.json()["debits"][0]["account_line_id"] for r in responses)
    assert paid == [fine.pk for fine in fines]  # each paid exactly once
    # in commit order, each payment took the oldest fine still owed
    by_credit = sorted((r.json()["payment_id"], r.json()["debits"][0]["account_line_id"])
                       for r in responses)
    assert [line for _, line in by_credit] == [fine.pk for fine in fines]
    assert AccountLine.objects.filter(patron_id=42).aggregate(
        b=Sum("amountoutstanding"))["b"] == 0
    assert "12 intake(s)" in ledger_is_clean()
