"""``verify_ledger`` on sales and refunds (issue 16): clean after real ones — kohapay's own refund
of a charge is no "change by Koha" — and every anomaly it promises to find is found when the
rows are really broken that way (tampered with in SQL, as a buggy writer would)."""
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from koha.models import AccountLine, AccountOffset
from payments.models import Intake, RefundLine
from tests.helpers import sale_body


def run(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_ledger", *args, stdout=out)
    except CommandError as exc:
        return 1, out.getvalue() + str(exc)
    return 0, out.getvalue()


def sql(statement: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement)


@pytest.fixture
def till(pay, sell, refund):
    """A charge refunded in part, a sale of two items refunded across both, a charge left as
    it was."""
    charge = pay().json()
    assert refund(payment_id=charge["payment_id"], amount="1", reason="jam").status_code == 201
    sale = sell(sale_body(("PRINT", "0.20", 12), ("COPYCARD", "5", 1))).json()
    assert refund(sale_id=sale["sale_id"], amount="3").status_code == 201
    pay(amount="1.25")
    sale_refund = Intake.objects.get(kind="refund", payment_id=sale["sale_id"])
    line = RefundLine.objects.filter(refund=sale_refund).order_by("id").first()
    return SimpleNamespace(
        charge=Intake.objects.get(kind="charge", payment_id=charge["payment_id"]),
        sale=Intake.objects.get(kind="sale"), sale_credit=sale["sale_id"],
        item=sale["debits"][0]["account_line_id"], refund=sale_refund, line=line)


def test_sales_and_refunds_leave_a_clean_ledger_without_notices(till):
    code, out = run()
    assert code == 0, out
    assert "5 intake(s)" in out and "refund line(s) checked" in out
    assert "3 refund line(s)" in out and "NOTICE" not in out


def test_a_charge_refunded_at_kohas_desk_is_a_notice(till, pay):
    other = pay(amount="3").json()
    AccountLine.objects.filter(pk=other["debit"]["account_line_id"]).update(status="REFUNDED")
    code, out = run()
    assert code == 0, out
    assert "NOTICE intake_changed_by_koha: 1 " in out


TAMPERING = {
    "intake_sale_credit_missing": ("DELETE FROM accountlines WHERE accountlines_id = {credit}",
                                   "sale"),
    "intake_sale_wrong_credit": ("UPDATE accountlines SET credit_type_code = 'PAYMENT' "
                                 "WHERE accountlines_id = {credit}", "sale"),
    "intake_sale_amount_mismatch": ("UPDATE accountlines SET amount = -7 "
                                    "WHERE accountlines_id = {credit}", "sale"),
    "intake_sale_apply_mismatch": ("DELETE FROM account_offsets WHERE type = 'APPLY' "
                                   "AND credit_id = {credit} AND debit_id = {item}", "sale"),
    "intake_sale_create_missing": ("DELETE FROM account_offsets WHERE type = 'CREATE' "
                                   "AND credit_id = {credit}", "sale"),
    "intake_sale_foreign_item": ("UPDATE accountlines SET register_id = 1 "
                                 "WHERE accountlines_id = {item}", "sale"),
    "intake_sale_outstanding": ("UPDATE accountlines SET amountoutstanding = -1 "
                                "WHERE accountlines_id = {credit}", "sale"),
    "intake_sale_place_mismatch": ("UPDATE accountlines SET branchcode = 'MPL' "
                                   "WHERE accountlines_id = {credit}", "sale"),
    "intake_sale_response_mismatch": ("UPDATE kohapay_intake SET response_body = "
                                      "JSON_SET(response_body, '$.sale_id', 9) WHERE id = {sale}",
                                      "sale"),
    "intake_refund_lines_missing": ("DELETE FROM kohapay_refund_line WHERE refund_id = {refund}",
                                    "refund"),
    "intake_refund_amount_mismatch": ("UPDATE kohapay_intake SET response_body = JSON_SET("
                                      "response_body, '$.amount', 2) WHERE id = {refund}",
                                      "refund"),
    "intake_refund_orphan": ("UPDATE kohapay_intake SET payment_id = 999999 "
                             "WHERE id = {refund}", "refund"),
    "intake_refunded_above_payment": ("UPDATE kohapay_refund_line SET amount = 7.40 "
                                      "WHERE id = {line}", "sale"),
    "refund_line_missing": ("DELETE FROM accountlines WHERE accountlines_id = {payout}", "line"),
    "refund_line_wrong_credit": ("UPDATE accountlines SET status = 'ADDED' "
                                 "WHERE accountlines_id = {refund_credit}", "line"),
    "refund_line_wrong_payout": ("UPDATE accountlines SET payment_type = 'SIP01' "
                                 "WHERE accountlines_id = {payout}", "line"),
    "refund_line_offsets_missing": ("DELETE FROM account_offsets WHERE type = 'APPLY' "
                                    "AND credit_id = {refund_credit} AND debit_id = {item}",
                                    "line"),
    "refund_line_patrons_differ": ("UPDATE accountlines SET borrowernumber = 42 "
                                   "WHERE accountlines_id = {payout}", "line"),
}


@pytest.mark.parametrize("code", sorted(TAMPERING))
def test_each_anomaly_is_found_and_fails(till, code):
    statement, example = TAMPERING[code]
    sql(statement.format(credit=till.sale_credit, item=till.item, sale=till.sale.pk,
                         refund=till.refund.pk, line=till.line.pk, payout=till.line.payout_id,
                         refund_credit=till.line.credit_id))
    status, out = run()
    assert status == 1, out
    found = next((line for line in out.splitlines() if line.startswith(f"ANOMALY {code}: 1 ")),
                 None)
    assert found is not None, out
    expected = {"sale": till.sale.pk, "refund": till.refund.pk, "line": till.line.pk}[example]
    assert found.endswith(f" {expected})"), found  # the example names the broken row
    if code.startswith("refund_line_"):
        assert "(refund lines " in found


def test_a_refunded_debit_koha_changed_later_is_a_notice(till):
    AccountLine.objects.filter(pk=till.item).update(status="DISCOUNTED")
    code, out = run()
    assert code == 0, out
    assert f"NOTICE refund_line_debit_not_refunded: 1 " in out and f"{till.line.pk})" in out


def test_since_limits_the_refund_lines_too(till):
    code, out = run("--since", "2999-01-01")
    assert code == 0 and "0 intake(s) and 0 register line(s) checked." in out
    assert AccountOffset.objects.exists()
