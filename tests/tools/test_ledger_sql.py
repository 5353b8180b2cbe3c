"""The floors write exactly the rows kohapay must write (spec §3.6 + the intake record), so the
benchmark compares like with like."""
from decimal import Decimal

import pytest
from django.db import connection
from oauth2_provider.models import Application

from koha.models import AccountLine, AccountOffset, ActionLog, Statistic
from payments.models import ApiClient, Intake
from tools.bench import ledger_sql


@pytest.fixture
def payment(koha):
    app = Application.objects.create(
        name="bench", client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )
    client = ApiClient.objects.create(name="bench", application=app, staff_patron=koha.staff)
    return ledger_sql.Payment(
        patron=koha.patron.pk, staff=koha.staff.pk, library="CPL", register=koha.register.pk,
        amount=Decimal("1234.567891"), idempotency_key="key-1", external_id="ext-1",
        client_id=client.pk,
    )


def test_write_payment_writes_the_rows_of_a_charge_and_pay(payment):
    with connection.cursor() as cur:
        debit_id, credit_id = ledger_sql.write_payment(cur, payment)

    debit, credit = AccountLine.objects.get(pk=debit_id), AccountLine.objects.get(pk=credit_id)
    assert (debit.amount, debit.amountoutstanding, debit.debit_type_id) == (
        payment.amount, 0, "PRINT")
    assert (credit.amount, credit.amountoutstanding, credit.credit_type_id) == (
        -payment.amount, 0, "PAYMENT")
    assert debit.register_id is None and credit.register_id == payment.register
    assert {debit.library_id, credit.library_id} == {"CPL"}
    assert {debit.manager_id, credit.manager_id} == {payment.staff}
    offsets = {(o.type, o.credit_id, o.debit_id, o.amount) for o in AccountOffset.objects.all()}
    assert offsets == {
        ("CREATE", None, debit_id, payment.amount),
        ("CREATE", credit_id, None, payment.amount),
        ("APPLY", credit_id, debit_id, -payment.amount),
    }
    assert Statistic.objects.get().type == "payment"
    assert [log.info.splitlines()[1].strip() for log in ActionLog.objects.order_by("pk")] == [
        "'action' => 'create_PRINT',", "'action' => 'create_PAYMENT',"]
    intake = Intake.objects.get()
    assert (intake.payment_id, intake.debit_id, intake.idempotency_key) == (
        credit_id, debit_id, "key-1")


def test_two_calls_write_the_same_koha_rows_as_one(payment):
    with connection.cursor() as cur:
        debit_id = ledger_sql.write_charge(cur, payment)
        credit_id = ledger_sql.write_pay(cur, payment, debit_id)

    assert credit_id is not None
    assert sorted(AccountLine.objects.values_list("amount", "amountoutstanding")) == [
        (-payment.amount, 0), (payment.amount, 0)]
    assert AccountOffset.objects.count() == 3
    assert (Statistic.objects.count(), ActionLog.objects.count(), Intake.objects.count()) == (1, 2, 0)


def test_pay_refuses_a_debit_that_is_not_outstanding(payment):
    with connection.cursor() as cur:
        debit_id = ledger_sql.write_charge(cur, payment)
        assert ledger_sql.write_pay(cur, payment, debit_id) is not None
        assert ledger_sql.write_pay(cur, payment, debit_id) is None
    assert AccountLine.objects.count() == 2
