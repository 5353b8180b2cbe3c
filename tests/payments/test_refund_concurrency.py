"""Refunds with real threads on MariaDB, really committing: two refunds of one payment at once
never give back more than was paid (they queue on the payment's credit, then the debits, in one
fixed order); many partial refunds of one sale land exactly until nothing is left; duplicates
of one request make one refund; a failure after any write step leaves nothing; a failed
invariant is a logged 500; and the statements inside the transaction are counted."""
import logging
import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.db.models import Sum

from koha.models import AccountLine, CreditType, SystemPreference
from payments.models import Intake, RefundLine
from payments.services import refund as service
from tests.helpers import (
    bearer_client,
    ledger_is_clean,
    payment_refunds_url,
    row_counts,
    run_in_threads,
    sale_body,
    sale_refunds_url,
)

pytestmark = pytest.mark.django_db(transaction=True)

WRITE_STEPS = ["_lock_patron", "_lock_refunded", "_lock_debits", "_allocate",
               "_allocate_credit_numbers", "_create_lines", "_create_offsets", "_mark_refunded",
               "_settle", "_mark_paid", "_check_invariants", "_record_refund"]


def refunded(credit_id) -> D:
    total = RefundLine.objects.filter(refund__payment_id=credit_id).aggregate(s=Sum("amount"))
    return total["s"] or D(0)


def payouts() -> D:
    return AccountLine.objects.filter(debit_type_id="PAYOUT").aggregate(
        s=Sum("amount"))["s"] or D(0)


def post_refunds(token, url, bodies, keys=None):
    def post(index):
        headers = {"HTTP_IDEMPOTENCY_KEY": keys[index]} if keys else {}
        return bearer_client(token).post(url, bodies[index], format="json", **headers)

    return run_in_threads(len(bodies), post)


def test_two_full_refunds_of_one_payment_at_once_refund_it_once(kiosk, pay):
    payment = pay().json()["payment_id"]
    responses = post_refunds(kiosk.token, payment_refunds_url(payment),
                             [{"payout_type": "CASH"}, {"payout_type": "CASH"}])
    assert sorted(r.status_code for r in responses) == [201, 400]
    refused = next(r for r in responses if r.status_code == 400).json()
    assert (refused["error_code"], refused["refundable"]) == ("amount_exceeds_refundable", 0)
    assert refunded(payment) == payouts() == D("2.5")
    assert "OK: no anomaly." in ledger_is_clean()


def test_many_partial_refunds_of_one_sale_stop_at_its_total(kiosk, sell):
    sale = sell(sale_body(("PRINT", "1.00", 3), ("COPYCARD", "2.00", 1))).json()["sale_id"]
    responses = post_refunds(kiosk.token, sale_refunds_url(sale),
                             [{"payout_type": "CASH", "amount": "1.00"}] * 8)
    assert sorted(r.status_code for r in responses) == [201] * 5 + [400] * 3
    assert refunded(sale) == payouts() == D("5")
    assert set(AccountLine.objects.filter(credit_type_id="REFUND").values_list(
        "status", flat=True)) == {"PAID"}
    assert "OK: no anomaly." in ledger_is_clean()


def test_refunds_of_two_payments_of_one_patron_at_once_both_land(kiosk, pay):
    first, second = (pay(amount=amount).json()["payment_id"] for amount in ("2.00", "3.00"))
    responses = run_in_threads(2, lambda i: bearer_client(kiosk.token).post(
        payment_refunds_url((first, second)[i]), {"payout_type": "CASH"}, format="json"))
    assert [r.status_code for r in responses] == [201, 201]
    assert (refunded(first), refunded(second)) == (D("2"), D("3"))


def test_twenty_concurrent_duplicates_make_one_refund(kiosk, pay):
    payment = pay().json()["payment_id"]
    responses = post_refunds(kiosk.token, payment_refunds_url(payment),
                             [{"payout_type": "CASH", "amount": "1"}] * 20, keys=["same"] * 20)
    assert [r.status_code for r in responses] == [201] * 20
    assert len([r for r in responses if "Idempotent-Replayed" not in r]) == 1
    assert {r.content for r in responses} == {responses[0].content}
    assert refunded(payment) == D("1") and Intake.objects.filter(kind="refund").count() == 1


class Injected(Exception):
    pass


@pytest.mark.parametrize("step", WRITE_STEPS)
def test_failure_after_each_step_leaves_no_row(kiosk, pay, refund, monkeypatch, step):
    CreditType.objects.filter(code="REFUND").update(credit_number_enabled=True)
    SystemPreference.objects.filter(variable="AutoCreditNumber").update(value="incremental")
    payment = pay().json()["payment_id"]
    real, reached = getattr(service, step), []

    def failing(*args, **kwargs):
        result = real(*args, **kwargs)
        reached.append(step)
        raise Injected(f"after {step}")

    monkeypatch.setattr(service, step, failing)
    before = row_counts()
    statuses = list(AccountLine.objects.order_by("pk").values_list("status", flat=True))
    with pytest.raises(Injected):
        refund(payment_id=payment, key="retry-me", reason="jam")
    assert reached == [step]
    assert row_counts() == before
    assert list(AccountLine.objects.order_by("pk").values_list("status", flat=True)) == statuses
    monkeypatch.undo()
    response = refund(payment_id=payment, key="retry-me", reason="jam")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert response.json()["refunds"][0]["credit"]["credit_number"] == "1"


def test_a_failed_invariant_is_a_logged_500_that_commits_nothing(pay, refund, monkeypatch,
                                                                  caplog):
    payment = pay().json()["payment_id"]

    def mark_nothing_paid(rows):  # a bug: the refund credits keep status ADDED
        pass

    monkeypatch.setattr(service, "_mark_paid", mark_nothing_paid)
    before = row_counts()
    with caplog.at_level(logging.ERROR, logger="kohapay.intake"):
        response = refund(payment_id=payment)
    assert response.status_code == 500
    assert "is not a REFUND of -2.5 paid out" in caplog.text
    assert row_counts() == before


def test_a_koha_desk_charge_during_the_refund_is_a_409(pay, refund, monkeypatch):
    payment = pay().json()["payment_id"]
    real = service._mark_paid

    def and_a_desk_charge(rows):
        real(rows)
        AccountLine.objects.create(patron_id=42, amount=D("1"), amountoutstanding=D("1"),
                                   debit_type_id="PRINT", interface="intranet")

    monkeypatch.setattr(service, "_mark_paid", and_a_desk_charge)
    before = row_counts()
    response = refund(payment_id=payment)
    assert (response.status_code, response.json()["error_code"]) == (409, "concurrent_change")
    assert row_counts() == before


def statements_in_transaction(call):
    inside = []

    def record(execute, sql, params, many, context):
        if connection.in_atomic_block:
            inside.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = call()
    assert response.status_code == 201, response.content
    return inside


def kind(sql: str) -> str:
    verb = sql.lstrip("(").split()[0]
    table = re.findall(r"FROM `(\w+)`", sql)[-1] if verb == "SELECT" else re.search(
        r"`(\w+)`", sql).group(1)
    return f"{verb} {table}"


def test_statement_budget_per_refund(pay, refund):
    payment = pay().json()["payment_id"]
    statements = statements_in_transaction(lambda: refund(payment_id=payment))
    assert [kind(sql) for sql in statements] == [
        "SELECT borrowers",  # _lock_patron: FOR UPDATE, with the balance before
        "SELECT accountlines",  # _lock_refunded: the payment's credit, FOR UPDATE
        "SELECT account_offsets",  # _lock_debits: what the credit paid, in order
        "SELECT accountlines",  # _lock_debits: those debits, FOR UPDATE, by id
        "SELECT account_offsets",  # _lock_debits: Koha's reductions of them
        "SELECT kohapay_refund_line",  # _lock_debits: kohapay's earlier refunds of them
        "SELECT cash_registers",  # hold_register: LOCK IN SHARE MODE (a cashup waits)
        "INSERT accountlines",  # _create_lines: refund credit, payout
        "INSERT account_offsets",  # _create_offsets
        "UPDATE accountlines",  # _mark_refunded
        "UPDATE accountlines",  # _settle
        "UPDATE accountlines",  # _mark_paid
        "SELECT accountlines",  # _check_invariants: the lines with the balance after
        "INSERT kohapay_intake",  # _record_refund
        "INSERT kohapay_refund_line",  # _record_refund
    ], statements
    for index in (0, 1, 3):
        assert statements[index].rstrip().endswith("FOR UPDATE"), statements[index]
    assert "ORDER BY" in statements[3]


def test_a_sales_refund_takes_no_patron_lock(sell, refund):
    sale = sell().json()["sale_id"]
    statements = statements_in_transaction(lambda: refund(sale_id=sale))
    # the sale's credit first (no patron), the register's share lock among the 14
    assert kind(statements[0]) == "SELECT accountlines" and len(statements) == 14
