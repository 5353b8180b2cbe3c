"""Column by column: a refund writes what Koha's staff pages write — ``reduce`` (REFUND) on each
paid debit, then ``payout`` of the refund credit through the register — read back with plain
SQL: the refund credit, the PAYOUT debit, the four offsets, the statuses (debit REFUNDED, refund
credit PAID), no statistics row and no FINES log; partial refunds add up; a sale's items and a
payment of several debits are refunded debit by debit, in the order they were paid."""
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
import simplejson
from django.db import connection

from koha.models import AccountLine, AccountOffset, CreditType, SystemPreference
from payments.models import Intake, RefundLine
from payments.sales.responses import PaymentRefundResultSerializer, SaleRefundResultSerializer
from tests.factories import CashRegisterFactory, koha_staff
from tests.helpers import koha_key_api, pay_body, payment_refunds_url, sale_body

COLUMNS = ("issue_id", "borrowernumber", "itemnumber", "amount", "description",
           "credit_type_code", "debit_type_code", "credit_number", "status", "payment_type",
           "amountoutstanding", "note", "manager_id", "register_id", "interface", "branchcode")


def select(sql: str, params=()) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def line(pk) -> dict:
    [row] = select("SELECT * FROM accountlines WHERE accountlines_id = %s", [pk])
    return row


def offsets_from(first_id) -> list[tuple]:
    return [(o["credit_id"], o["debit_id"], o["type"], o["amount"]) for o in select(
        "SELECT * FROM account_offsets WHERE id >= %s ORDER BY id", [first_id])]


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@pytest.fixture
def charged(pay):
    """Patron 42's printing, 2.50, charged and paid in cash at register 1 through kohapay."""
    body = pay({"debit_type": "PRINT", "amount": "2.50", "payment_type": "CASH",
                "register_id": 1, "description": "Printing"}).json()
    return body["payment_id"], body["debit"]["account_line_id"]


def test_a_payment_refunded_in_full_writes_reduce_then_payout(charged, refund):
    payment_id, debit_id = charged
    first_offset = AccountOffset.objects.order_by("-id").values_list("id", flat=True)[0] + 1
    before = now()
    response = refund(payment_id=payment_id, reason="printer jam")
    assert response.status_code == 201, response.content
    body = response.json(parse_float=D)
    [refunded] = body["refunds"]
    credit_id, payout_id = (refunded["credit"]["account_line_id"],
                            refunded["payout"]["account_line_id"])
    assert payout_id == credit_id + 1  # reduce's credit, then payout's debit
    common = {"issue_id": None, "borrowernumber": 42, "itemnumber": None, "description": None,
              "credit_number": None, "amountoutstanding": D("0.000000"), "note": "printer jam",
              "manager_id": 51, "interface": "api", "branchcode": "CPL"}
    assert {c: line(credit_id)[c] for c in COLUMNS} == {
        **common, "amount": D("-2.500000"), "credit_type_code": "REFUND",
        "debit_type_code": None, "status": "PAID", "payment_type": None, "register_id": None}
    assert {c: line(payout_id)[c] for c in COLUMNS} == {
        **common, "amount": D("2.500000"), "credit_type_code": None, "debit_type_code": "PAYOUT",
        "status": None, "payment_type": "CASH", "register_id": 1}
    charge = line(debit_id)
    assert (charge["status"], charge["amountoutstanding"]) == ("REFUNDED", D("0.000000"))
    assert line(payment_id)["status"] is None  # the payment itself is left as it was
    assert offsets_from(first_offset) == [
        (credit_id, None, "CREATE", D("-2.500000")),
        (credit_id, debit_id, "APPLY", D("0.000000")),
        (None, payout_id, "CREATE", D("2.500000")),
        (credit_id, payout_id, "APPLY", D("-2.500000")),
    ]
    for pk in (credit_id, payout_id):
        assert before <= line(pk)["date"] <= line(pk)["timestamp"] <= now()
    assert (body["amount"], body["refundable"], body["cash_register_id"]) == (D("2.5"), 0, 1)


def test_no_statistics_row_and_no_fines_log(charged, refund):
    SystemPreference.objects.filter(variable="FinesLog").update(value="1")
    counts = select("SELECT (SELECT COUNT(*) FROM statistics) AS s, "
                    "(SELECT COUNT(*) FROM action_logs) AS l")
    assert refund(payment_id=charged[0]).status_code == 201
    assert select("SELECT (SELECT COUNT(*) FROM statistics) AS s, "
                  "(SELECT COUNT(*) FROM action_logs) AS l") == counts


def test_partial_refunds_add_up_to_the_payment(charged, refund):
    payment_id, debit_id = charged
    first = refund(payment_id=payment_id, amount="1.00").json(parse_float=D)
    second = refund(payment_id=payment_id, amount="1.50").json(parse_float=D)
    assert (first["refundable"], second["refundable"]) == (D("1.5"), 0)
    refunds = AccountLine.objects.filter(credit_type_id="REFUND").order_by("pk")
    assert [(r.amount, r.status) for r in refunds] == [(D("-1"), "PAID"), (D("-1.5"), "PAID")]
    payouts = AccountLine.objects.filter(debit_type_id="PAYOUT", register_id=1)
    assert sorted(p.amount for p in payouts) == [D("1"), D("1.5")]
    assert AccountLine.objects.get(pk=debit_id).status == "REFUNDED"
    # the patron's balance never moved: each refund credit and its payout cancel out
    assert select("SELECT SUM(amountoutstanding) AS b FROM accountlines "
                  "WHERE borrowernumber = 42") == [{"b": D("0.000000")}]
    assert refund(payment_id=payment_id).json()["error_code"] == "amount_exceeds_refundable"


def test_the_register_defaults_to_the_payments_and_may_be_another(koha, charged, refund):
    payment_id, _ = charged
    lobby = CashRegisterFactory(name="Lobby", library=koha.cpl)
    assert refund(payment_id=payment_id, amount="1").json()["cash_register_id"] == 1
    other = refund(payment_id=payment_id, amount="1", cash_register_id=lobby.pk).json()
    assert other["cash_register_id"] == lobby.pk
    assert other["refunds"][0]["payout"]["cash_register_id"] == lobby.pk
    assert other["refunds"][0]["credit"]["cash_register_id"] is None


def test_a_payment_of_several_debits_is_refunded_in_the_order_it_paid_them(debts, pay, refund):
    paid = pay(pay_body("7.50", debts.dune.pk, debts.hobbit.pk)).json()  # dune 4, hobbit 3.5
    body = refund(payment_id=paid["payment_id"], amount="4.00").json(parse_float=D)
    assert [(r["debit"]["account_line_id"], r["payout"]["amount"])
            for r in body["refunds"]] == [(debts.dune.pk, D("4"))]
    # the rest comes from the fine the payment only partly paid (it still owes 1.50: less than
    # the refund, so Koha's reduce only links the two, and payout pays the 3.50 out)
    rest = refund(payment_id=paid["payment_id"]).json(parse_float=D)
    assert [(r["debit"]["account_line_id"], r["payout"]["amount"])
            for r in rest["refunds"]] == [(debts.hobbit.pk, D("3.5"))]
    assert (rest["amount"], rest["refundable"]) == (D("3.5"), 0)
    hobbit = AccountLine.objects.get(pk=debts.hobbit.pk)
    assert (hobbit.status, hobbit.amountoutstanding) == ("REFUNDED", D("1.5"))  # still owed
    assert debts.card.pk not in RefundLine.objects.values_list("debit_id", flat=True)


def test_one_refund_may_span_several_debits(debts, pay, refund):
    paid = pay(pay_body("9", debts.dune.pk, debts.hobbit.pk)).json()  # both paid off
    body = refund(payment_id=paid["payment_id"], amount="6").json(parse_float=D)
    assert [(r["debit"]["account_line_id"], r["payout"]["amount"])
            for r in body["refunds"]] == [(debts.dune.pk, D("4")), (debts.hobbit.pk, D("2"))]
    credits = [r["credit"]["account_line_id"] for r in body["refunds"]]
    payouts = [r["payout"]["account_line_id"] for r in body["refunds"]]
    assert [credits[0], payouts[0], credits[1], payouts[1]] == sorted(credits + payouts)
    assert [o["type"] for o in body["offsets"]] == ["CREATE", "APPLY", "CREATE", "APPLY"] * 2


def test_a_sale_is_refunded_item_by_item_without_a_patron(sell, refund):
    sale = sell(sale_body(("PRINT", "0.20", 12), ("COPYCARD", "5", 1))).json()
    body = refund(sale_id=sale["sale_id"], amount="3").json(parse_float=D)
    assert [(r["debit"]["type"], r["credit"]["amount"], r["payout"]["amount"])
            for r in body["refunds"]] == [("PRINT", D("-2.4"), D("2.4")),
                                          ("COPYCARD", D("-0.6"), D("0.6"))]
    assert all(r[side]["patron_id"] is None for r in body["refunds"]
               for side in ("debit", "credit", "payout"))
    assert (body["sale_id"], body["amount"], body["refundable"]) == (sale["sale_id"], 3,
                                                                     D("4.4"))
    assert "patron_id" not in body
    purchase = AccountLine.objects.get(pk=sale["sale_id"])
    assert (purchase.status, purchase.amountoutstanding) == (None, 0)


def test_the_bodies_are_what_the_documented_serializers_render(charged, sell, refund):
    sale = sell().json()
    for serializer, response in [
            (PaymentRefundResultSerializer, refund(payment_id=charged[0], amount="1")),
            (SaleRefundResultSerializer, refund(sale_id=sale["sale_id"], amount="1"))]:
        body = simplejson.loads(response.content, use_decimal=True)
        lines = AccountLine.objects.in_bulk()
        rendered = serializer({**body, "refunds": [
            {side: lines[r[side]["account_line_id"]] for side in ("debit", "credit", "payout")}
            for r in body["refunds"]],
            "offsets": list(AccountOffset.objects.filter(
                id__in=[o["offset_id"] for o in body["offsets"]]).order_by("id"))}).data
        assert simplejson.dumps(rendered, use_decimal=True) == simplejson.dumps(
            body, use_decimal=True)


def test_kohapays_records_of_a_refund(charged, refund):
    payment_id, debit_id = charged
    body = refund(payment_id=payment_id, amount="2", reason="r").json(parse_float=D)
    intake = Intake.objects.get(kind="refund")
    assert (intake.patron_id, intake.payment_id, intake.debit_id, intake.external_id) == (
        42, payment_id, None, None)
    assert intake.response_body == body
    [recorded] = RefundLine.objects.all()
    assert (recorded.refund_id, recorded.debit_id, recorded.credit_id, recorded.payout_id,
            recorded.amount) == (intake.pk, debit_id, body["refunds"][0]["credit"][
                "account_line_id"], body["refunds"][0]["payout"]["account_line_id"], D("2"))


def test_auto_credit_number_numbers_each_refund_credit(debts, pay, refund):
    CreditType.objects.filter(code="REFUND").update(credit_number_enabled=True)
    SystemPreference.objects.filter(variable="AutoCreditNumber").update(value="incremental")
    paid = pay(pay_body("7.50", debts.dune.pk, debts.hobbit.pk)).json()
    body = refund(payment_id=paid["payment_id"]).json()
    assert [r["credit"]["credit_number"] for r in body["refunds"]] == ["1", "2"]
    assert paid["credit"]["credit_number"] is None  # PAYMENT does not number here


def test_a_koha_key_refunds_as_its_owner(koha, charged):
    SystemPreference.objects.filter(variable="RESTOAuth2ClientCredentials").update(value="1")
    # a refund is of the client's own payments: the key records one first
    owner = koha_staff("refunder", library=koha.cpl,
                       codes=[("updatecharges", "remaining_permissions"),
                              ("updatecharges", "refund")])
    api = koha_key_api(owner)
    paid = api.post("/api/v1/patrons/42/account/payments",
                    {"debit_type": "PRINT", "amount": "1.00", "payment_type": "CASH",
                     "register_id": 1}, format="json").json()
    response = api.post(payment_refunds_url(paid["payment_id"]), {"payout_type": "CASH"},
                        format="json")
    assert response.status_code == 201, response.content
    lines = response.json()["refunds"][0]
    assert lines["credit"]["user_id"] == lines["payout"]["user_id"] == owner.pk


def test_a_refund_of_a_patrons_debit_koha_also_discounted_stops_at_koha_s_limit(debts, pay,
                                                                                 refund):
    """reduce counts every DISCOUNT and REFUND linked to the debit, whoever made them."""
    paid = pay(pay_body("5.00", debts.hobbit.pk)).json()
    discount = AccountLine.objects.create(
        patron_id=42, amount=D("-4"), amountoutstanding=D("-4"), credit_type_id="DISCOUNT",
        status="ADDED", interface="intranet", date=paid["credit"]["date"])
    AccountOffset.objects.create(credit_id=discount.pk, debit_id=debts.hobbit.pk, type="APPLY",
                                 amount=0)
    response = refund(payment_id=paid["payment_id"])
    assert response.json(parse_float=D)["amount"] == 1  # 5 − 4 discounted by Koha's desk
