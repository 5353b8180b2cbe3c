"""``verify_ledger`` and payments of existing debits (``audit_pay_checks``): clean beside charges
when recorded by kohapay; each anomaly found when the rows are really broken that way (tampered
with in SQL, as a buggy writer would); a payment Koha voids later is a notice."""
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from koha.models import AccountOffset
from payments.models import Intake
from tests.factories import PatronFactory, koha_debit
from tests.helpers import pay_body


def run() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_ledger", stdout=out)
    except CommandError as exc:
        return 1, out.getvalue() + str(exc)
    return 0, out.getvalue()


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def recorded(debts, pay):
    """A charge, then a payment of two fines (7.50: Hobbit paid off, Dune 2.50 of 4.00);
    returns the payment's Intake row."""
    assert pay(key="charge").status_code == 201
    assert pay(pay_body("7.50", debts.hobbit.pk, debts.dune.pk), key="pay").status_code == 201
    return Intake.objects.get(kind="pay")


def test_payments_and_charges_pass_together(recorded):
    status, out = run()
    assert status == 0, out
    assert "2 intake(s) and 2 register line(s) checked" in out and "OK: no anomaly." in out


def apply_offset(intake, position: int) -> int:
    return AccountOffset.objects.filter(credit_id=intake.payment_id, type="APPLY") \
        .order_by("id").values_list("id", flat=True)[position]


TAMPERING = {
    "intake_pay_credit_missing": "DELETE FROM accountlines WHERE accountlines_id = {credit}",
    "intake_pay_wrong_credit": "UPDATE accountlines SET credit_type_code = 'CREDIT' "
                               "WHERE accountlines_id = {credit}",
    "intake_pay_amount_mismatch": "UPDATE accountlines SET amount = -7.49 "
                                  "WHERE accountlines_id = {credit}",
    "intake_pay_apply_mismatch": "UPDATE account_offsets SET amount = -2.49 WHERE id = {apply}",
    "intake_pay_foreign_debit": "UPDATE account_offsets SET debit_id = {stranger} "
                                "WHERE id = {apply}",
    "intake_pay_create_missing": "DELETE FROM account_offsets WHERE type = 'CREATE' "
                                 "AND credit_id = {credit}",
    "intake_pay_outstanding": "UPDATE accountlines SET amountoutstanding = -1 "
                              "WHERE accountlines_id = {credit}",
    "intake_pay_place_mismatch": "UPDATE accountlines SET branchcode = 'MPL' "
                                 "WHERE accountlines_id = {credit}",
    "intake_pay_response_mismatch": "UPDATE kohapay_intake SET response_body = "
                                    "JSON_SET(response_body, '$.payment_id', 999) "
                                    "WHERE id = {intake}",
}


@pytest.mark.parametrize("code", sorted(TAMPERING))
def test_each_anomaly_of_a_payment_is_found(recorded, code):
    PatronFactory(borrowernumber=43, library_id="CPL")
    stranger = koha_debit(patron_id=43, amount="1", at=recorded.created_at)
    sql(TAMPERING[code].format(credit=recorded.payment_id, intake=recorded.id,
                               apply=apply_offset(recorded, 1), stranger=stranger.pk))
    status, out = run()
    assert status == 1, out
    line = next((line for line in out.splitlines()
                 if line.startswith(f"ANOMALY {code}: 1 ")), None)
    assert line is not None, out
    assert line.endswith(f"(intakes {recorded.id})"), line
    assert "intake_line_missing" not in out  # a charge's checks leave payments alone


def test_an_apply_to_a_line_that_owed_nothing_is_found(recorded):
    sql("UPDATE account_offsets SET amount = 0 WHERE id = %s", [apply_offset(recorded, 1)])
    sql("UPDATE account_offsets SET amount = -7.5 WHERE id = %s", [apply_offset(recorded, 0)])
    status, out = run()
    assert status == 1 and "ANOMALY intake_pay_foreign_debit: 1 " in out, out


def test_a_missing_apply_is_found(recorded):
    sql("DELETE FROM account_offsets WHERE id = %s", [apply_offset(recorded, 1)])
    status, out = run()
    assert status == 1 and "ANOMALY intake_pay_apply_mismatch: 1 " in out, out


def test_a_payment_koha_voided_later_is_a_notice(recorded, debts):
    """Koha's void: the credit becomes VOID and is applied to a VOID debit (one more APPLY),
    VOID offsets give the fines back — legitimate, reported, not a failure."""
    void = koha_debit(amount="7.50", at=recorded.created_at, debit_type="VOID")
    sql("UPDATE accountlines SET status = 'VOID', amountoutstanding = 0 "
        "WHERE accountlines_id = %s", [recorded.payment_id])
    sql("UPDATE accountlines SET amountoutstanding = 0 WHERE accountlines_id = %s", [void.pk])
    AccountOffset.objects.bulk_create([
        AccountOffset(credit_id=recorded.payment_id, debit_id=void.pk, type="APPLY", amount=-7.5),
        AccountOffset(credit_id=recorded.payment_id, debit_id=debts.hobbit.pk, type="VOID",
                      amount=5),
        AccountOffset(credit_id=recorded.payment_id, debit_id=debts.dune.pk, type="VOID",
                      amount=2.5)])
    sql("UPDATE accountlines SET amountoutstanding = amount WHERE accountlines_id IN (%s, %s)",
        [debts.hobbit.pk, debts.dune.pk])
    status, out = run()
    assert status == 0, out
    assert f"NOTICE intake_changed_by_koha: 1 " in out and f"intakes {recorded.id})" in out


def test_an_anonymised_patron_is_a_notice(recorded):
    sql("UPDATE accountlines SET borrowernumber = NULL")
    status, out = run()
    assert status == 0 and "NOTICE intake_patron_removed: 2 " in out, out
