"""A payment of existing debits is one transaction, nothing partial: a failure after any step
leaves no row anywhere (and the debits as they were), a failed invariant is a logged 500 that
commits nothing, a Koha write landing mid-payment is a 409, and the statements inside the
transaction are counted. These tests really commit (transactional_db)."""
import logging
import re
from decimal import Decimal

import pytest
from django.db import connection

from koha.models import AccountLine, CreditType, SystemPreference
from payments.services import pay as service
from tests.helpers import pay_body, row_counts

pytestmark = pytest.mark.django_db(transaction=True)

WRITE_STEPS = ["_lock_patron", "_lock_debits", "_allocate", "_allocate_credit_number",
               "_create_credit", "_create_offsets", "_settle", "_record_statistics",
               "_log_fines", "_check_invariants", "_record_intake"]


class Injected(Exception):
    pass


@pytest.fixture
def numbered_payments(debts):
    """PAYMENT credits numbered (AutoCreditNumber=incremental), so every step writes or locks."""
    CreditType.objects.filter(code="PAYMENT").update(credit_number_enabled=True)
    SystemPreference.objects.filter(variable="AutoCreditNumber").update(value="incremental")
    return debts


def outstanding() -> list[Decimal]:
    debits = AccountLine.objects.filter(patron_id=42, credit_type__isnull=True)
    return list(debits.order_by("pk").values_list("amountoutstanding", flat=True))


@pytest.mark.parametrize("step", WRITE_STEPS)
def test_failure_after_each_step_leaves_no_row(numbered_payments, pay, monkeypatch, step):
    debts = numbered_payments
    real = getattr(service, step)
    reached = []

    def failing(*args, **kwargs):
        real(*args, **kwargs)
        reached.append(step)
        raise Injected(f"after {step}")

    monkeypatch.setattr(service, step, failing)
    before, owed = row_counts(), outstanding()
    body = pay_body("7.50", debts.hobbit.pk, debts.dune.pk, external_id="ref-1")
    with pytest.raises(Injected):
        pay(body, key="retry-me")
    assert reached == [step]
    assert row_counts() == before and outstanding() == owed
    monkeypatch.undo()
    # nothing was remembered either: the same key now records the payment, numbered 1
    response = pay(body, key="retry-me")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert response.json()["credit"]["credit_number"] == "1"
    assert outstanding() == [Decimal("1.5"), 0, Decimal("1.5")]


def test_failed_invariant_is_a_logged_500_that_commits_nothing(debts, pay, monkeypatch, caplog):
    def settle_only_the_paid_off(rows):  # a bug: the partly paid debit keeps its old amount
        AccountLine.objects.filter(pk=rows.credit.pk).update(amountoutstanding=0)
        AccountLine.objects.filter(pk=debts.hobbit.pk).update(amountoutstanding=0)

    monkeypatch.setattr(service, "_settle", settle_only_the_paid_off)
    before, owed = row_counts(), outstanding()
    with caplog.at_level(logging.ERROR, logger="kohapay.intake"):
        response = pay(pay_body("7.50", debts.hobbit.pk, debts.dune.pk))
    assert response.status_code == 500
    assert response.json()["error_code"] == "internal_server_error"
    assert f"debit {debts.dune.pk} is outstanding 4.000000, not 1.50" in caplog.text
    assert row_counts() == before and outstanding() == owed


def test_a_koha_desk_charge_during_the_payment_is_a_409(debts, pay, monkeypatch, caplog):
    real = service._lock_debits

    def lock_then_koha_desk_charges(plan):
        # Koha's desk takes no lock on the patron, and a new line is no row we locked.
        # (Written on our connection to stay in one transaction; a desk's commit is alike.)
        owed = real(plan)
        AccountLine.objects.create(
            patron_id=42, amount=Decimal("5"), amountoutstanding=Decimal("5"),
            debit_type_id="MANUAL", interface="intranet", library_id="CPL", description="",
            note="")
        return owed

    monkeypatch.setattr(service, "_lock_debits", lock_then_koha_desk_charges)
    before = row_counts()
    with caplog.at_level(logging.WARNING, logger="kohapay.intake"):
        response = pay(pay_body("5", debts.hobbit.pk), key="desk-race")
    assert response.status_code == 409 and response.json()["error_code"] == "concurrent_change"
    assert "concurrent Koha write" in caplog.text
    assert row_counts() == before
    monkeypatch.undo()
    assert pay(pay_body("5", debts.hobbit.pk), key="desk-race").status_code == 201


def statements_in_transaction(pay_call):
    inside = []

    def record(execute, sql, params, many, context):
        if connection.in_atomic_block:
            inside.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = pay_call()
    assert response.status_code == 201, response.content
    return inside


TABLE = re.compile(r"`(\w+)`")
TABLE_AFTER_FROM = re.compile(r"FROM `(\w+)`")


def kind(sql: str) -> str:
    verb = sql.lstrip("(").split()[0]
    table = re.findall(TABLE_AFTER_FROM, sql)[-1] if verb == "SELECT" else re.search(
        TABLE, sql).group(1)
    return f"{verb} {table}"


def test_statement_budget_per_payment(debts, pay):
    statements = statements_in_transaction(
        lambda: pay(pay_body("7.50", debts.hobbit.pk, debts.dune.pk)))
    assert [kind(sql) for sql in statements] == [
        "SELECT borrowers",  # _lock_patron: FOR UPDATE, with the balance before
        "SELECT accountlines",  # _lock_debits: the patron's outstanding lines, FOR UPDATE, by id
        "SELECT cash_registers",  # hold_register: LOCK IN SHARE MODE (a cashup waits)
        "INSERT accountlines",  # _create_credit: id by RETURNING
        "INSERT account_offsets",  # _create_offsets: CREATE and the APPLYs; rows by RETURNING
        "UPDATE accountlines",  # _settle: the credit and the debits paid off, to 0
        "UPDATE accountlines",  # _settle: the debit only partly paid
        "INSERT statistics",  # _record_statistics
        "INSERT action_logs",  # _log_fines
        "SELECT accountlines",  # _check_invariants: the lines with the balance after
        "INSERT kohapay_intake",  # _record_intake
    ], statements
    assert statements[0].rstrip().endswith("FOR UPDATE")
    assert statements[1].rstrip().endswith("FOR UPDATE")
    assert "ORDER BY 1 ASC" in statements[1]  # accountlines_id, the first column read


def test_statement_budget_when_everything_named_is_paid_off_without_a_log(debts, pay):
    SystemPreference.objects.filter(variable="FinesLog").update(value="0")
    statements = statements_in_transaction(lambda: pay(pay_body("9", debts.hobbit.pk,
                                                                debts.dune.pk)))
    assert len(statements) == 9  # one UPDATE for every line paid off, no log
