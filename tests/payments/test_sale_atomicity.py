"""A sale is one transaction, nothing partial: a failure after any write step leaves no row
anywhere, a failed invariant is a logged 500 that commits nothing, twenty concurrent duplicates
from real threads make one sale, and the statements inside the transaction are counted. These
tests really commit (transactional_db)."""
import logging
import re

import pytest
from django.db import connection

from koha.models import AccountLine, AccountOffset, CreditType, SystemPreference
from payments.models import Intake
from payments.services import sale as service
from tests.helpers import (
    bearer_client,
    ledger_is_clean,
    row_counts,
    run_in_threads,
    sale_body,
    sales_url,
)

pytestmark = pytest.mark.django_db(transaction=True)

WRITE_STEPS = ["_allocate_credit_number", "_create_lines", "_create_offsets", "_settle",
               "_check_invariants", "_record_intake"]
TWO_ITEMS = sale_body(("PRINT", "0.20", 12), ("COPYCARD", "5.00", 1), external_id="s-1")


class Injected(Exception):
    pass


@pytest.fixture
def numbered_sales(for_sale):
    """PURCHASE credits numbered (AutoCreditNumber=incremental), so every step writes or locks."""
    CreditType.objects.filter(code="PURCHASE").update(credit_number_enabled=True)
    SystemPreference.objects.filter(variable="AutoCreditNumber").update(value="incremental")


@pytest.mark.parametrize("step", WRITE_STEPS)
def test_failure_after_each_step_leaves_no_row(numbered_sales, sell, monkeypatch, step):
    real = getattr(service, step)
    reached = []

    def failing(*args, **kwargs):
        real(*args, **kwargs)
        reached.append(step)
        raise Injected(f"after {step}")

    monkeypatch.setattr(service, step, failing)
    before = row_counts()
    with pytest.raises(Injected):
        sell(TWO_ITEMS, key="retry-me")
    assert reached == [step]
    assert row_counts() == before
    monkeypatch.undo()
    # nothing was remembered either: the same key now records the sale, numbered 1
    response = sell(TWO_ITEMS, key="retry-me")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert response.json()["credit"]["credit_number"] == "1"


def test_a_failed_invariant_is_a_logged_500_that_commits_nothing(sell, monkeypatch, caplog):
    def settle_only_the_credit(rows):  # a bug: the items stay owed
        AccountLine.objects.filter(pk=rows.credit.pk).update(amountoutstanding=0)

    monkeypatch.setattr(service, "_settle", settle_only_the_credit)
    before = row_counts()
    with caplog.at_level(logging.ERROR, logger="kohapay.intake"):
        response = sell(TWO_ITEMS)
    assert response.status_code == 500
    assert response.json()["error_code"] == "internal_server_error"
    assert "is 2.400000, outstanding 2.400000, not 2.4 paid off" in caplog.text
    assert row_counts() == before


def test_twenty_concurrent_duplicates_make_one_sale(kiosk, for_sale):
    def post(_):
        return bearer_client(kiosk.token).post(sales_url(1), TWO_ITEMS, format="json",
                                               HTTP_IDEMPOTENCY_KEY="same-key")

    responses = run_in_threads(20, post)
    assert [r.status_code for r in responses] == [201] * 20
    originals = [r for r in responses if "Idempotent-Replayed" not in r]
    assert len(originals) == 1
    assert {r.content for r in responses} == {originals[0].content}
    assert AccountLine.objects.count() == 3 and AccountOffset.objects.count() == 5
    assert Intake.objects.count() == 1
    assert "OK: no anomaly." in ledger_is_clean()


def test_concurrent_sales_with_one_external_id_make_one_sale(kiosk, for_sale):
    def post(_):
        return bearer_client(kiosk.token).post(sales_url(1), TWO_ITEMS, format="json")

    responses = run_in_threads(10, post)
    assert sorted(r.status_code for r in responses) == [201] + [409] * 9
    sale_id = next(r for r in responses if r.status_code == 201).json()["sale_id"]
    assert {r.json()["sale_id"] for r in responses} == {sale_id}
    assert AccountLine.objects.count() == 3


def test_concurrent_sales_number_their_credits_uniquely(kiosk, numbered_sales):
    def post(index):
        return bearer_client(kiosk.token).post(sales_url(1), sale_body(), format="json",
                                               HTTP_IDEMPOTENCY_KEY=f"n{index}")

    assert [r.status_code for r in run_in_threads(10, post)] == [201] * 10
    numbers = AccountLine.objects.filter(credit_type_id="PURCHASE").values_list(
        "credit_number", flat=True)
    assert sorted(int(n) for n in numbers) == list(range(1, 11))


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


def test_statement_budget_per_sale(sell):
    statements = statements_in_transaction(lambda: sell(TWO_ITEMS))
    assert [kind(sql) for sql in statements] == [
        "SELECT cash_registers",  # hold_register: LOCK IN SHARE MODE (a cashup waits)
        "INSERT accountlines",  # _create_lines: every line born settled; rows by RETURNING
        "INSERT account_offsets",  # _create_offsets: CREATEs and APPLYs; rows by RETURNING
        "INSERT kohapay_intake",  # _record_intake
    ], statements  # was 6 before issue 18: _settle's UPDATE and the re-read are gone


def test_a_numbered_purchase_adds_one_locking_read(numbered_sales, sell):
    statements = statements_in_transaction(lambda: sell(TWO_ITEMS))
    assert len(statements) == 5  # was 7 before issue 18
    assert kind(statements[1]) == "SELECT account_credit_types"  # after the register's lock
    assert statements[1].rstrip().endswith("FOR UPDATE")
