"""Column by column: the rows of one sale are those of ``Koha::Charges::Sales::purchase`` (spec
§7.2, the worked variant §10.5) with ``interface`` api, read back with plain SQL — every
accountlines column, every offset, and no statistics row or FINES log (Koha writes none)."""
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
import simplejson
from django.db import connection

from koha.models import CreditType, SystemPreference
from payments.models import Intake
from payments.sales.responses import SaleResultSerializer
from tests.helpers import koha_key_api, ledger_is_clean, sale_body, sales_url

COLUMNS = ("issue_id", "borrowernumber", "itemnumber", "amount", "description",
           "credit_type_code", "debit_type_code", "credit_number", "status", "payment_type",
           "amountoutstanding", "note", "manager_id", "register_id", "interface", "branchcode")


def select(sql: str, params=()) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@pytest.fixture
def sold(sell):
    before = now()
    response = sell(sale_body(("PRINT", "0.20", 12), ("COPYCARD", 5, 1),
                              external_id="kiosk1-s-000077"))
    assert response.status_code == 201, response.content
    return response, before, now()


def test_a_debit_per_item_then_the_purchase_credit(sold):
    response, before, after = sold
    lines = select("SELECT * FROM accountlines ORDER BY accountlines_id")
    common = {"issue_id": None, "borrowernumber": None, "itemnumber": None, "description": None,
              "credit_number": None, "status": None, "amountoutstanding": D("0.000000"),
              "manager_id": 51, "interface": "api", "branchcode": "CPL"}
    item = {**common, "credit_type_code": None, "payment_type": None, "register_id": None}
    assert [{c: line[c] for c in COLUMNS} for line in lines] == [
        {**item, "amount": D("2.400000"), "debit_type_code": "PRINT", "note": "12"},
        {**item, "amount": D("5.000000"), "debit_type_code": "COPYCARD", "note": "1"},
        {**common, "amount": D("-7.400000"), "credit_type_code": "PURCHASE",
         "debit_type_code": None, "payment_type": "CASH", "note": "POS SALE",
         "register_id": 1},
    ]
    body = response.json()
    assert [line["accountlines_id"] for line in lines] == [
        *(debit["account_line_id"] for debit in body["debits"]), body["sale_id"]]
    assert len({line["date"] for line in lines}) == 1  # Sales.pm: one DateTime for all
    for line in lines:  # the session speaks UTC: UTC instants
        assert before <= line["date"] <= line["timestamp"] <= after


def test_offsets_create_each_debit_create_the_credit_negative_then_apply(sold):
    response, before, after = sold
    body = response.json()
    first, second = (debit["account_line_id"] for debit in body["debits"])
    credit = body["sale_id"]
    offsets = select("SELECT * FROM account_offsets ORDER BY id")
    assert [(o["credit_id"], o["debit_id"], o["type"], o["amount"]) for o in offsets] == [
        (None, first, "CREATE", D("2.400000")),
        (None, second, "CREATE", D("5.000000")),
        (credit, None, "CREATE", D("-7.400000")),  # Sales.pm's sign, unlike add_credit's
        (credit, first, "APPLY", D("-2.400000")),
        (credit, second, "APPLY", D("-5.000000")),
    ]
    assert all(before <= o["created_on"] <= after for o in offsets)
    assert [o["offset_id"] for o in body["offsets"]] == [o["id"] for o in offsets]


def test_no_statistics_row_and_no_fines_log(sold):
    assert SystemPreference.objects.get(variable="FinesLog").value == "1"
    assert select("SELECT COUNT(*) AS n FROM statistics") == [{"n": 0}]
    assert select("SELECT COUNT(*) AS n FROM action_logs") == [{"n": 0}]


def test_the_answer_and_the_intake_record(sold):
    response, _, _ = sold
    body = response.json(parse_float=D)
    assert response["Location"] == sales_url(1, body["sale_id"])
    assert {key: body[key] for key in ("cash_register_id", "library_id", "payment_type",
                                       "external_id", "total")} == {
        "cash_register_id": 1, "library_id": "CPL", "payment_type": "CASH",
        "external_id": "kiosk1-s-000077", "total": D("7.4")}
    assert [(d["type"], d["amount"], d["internal_note"], d["patron_id"], d["cash_register_id"])
            for d in body["debits"]] == [("PRINT", D("2.4"), "12", None, None),
                                         ("COPYCARD", D("5"), "1", None, None)]
    assert (body["credit"]["type"], body["credit"]["amount"], body["credit"]["cash_register_id"],
            body["credit"]["internal_note"]) == ("PURCHASE", D("-7.4"), 1, "POS SALE")
    intake = Intake.objects.get()
    assert (intake.kind, intake.patron_id, intake.payment_id, intake.debit_id,
            intake.external_id) == ("sale", None, body["sale_id"], None, "kiosk1-s-000077")
    assert intake.response_body == body


def test_the_body_is_what_the_documented_serializer_renders(sold):
    """The answer is built directly; it must be exactly the OpenAPI's ``SaleResult``."""
    from koha.models import AccountLine, AccountOffset

    body = sold[0].json(parse_float=D)
    lines = AccountLine.objects.in_bulk()
    rendered = SaleResultSerializer({
        **body, "credit": lines[body["sale_id"]],
        "debits": [lines[d["account_line_id"]] for d in body["debits"]],
        "offsets": list(AccountOffset.objects.order_by("id")),
    }).data
    assert simplejson.dumps(rendered, use_decimal=True) == simplejson.dumps(
        Intake.objects.get().response_body, use_decimal=True)


@pytest.mark.parametrize("number_format, expected", [
    ("incremental", "1"), ("annual", f"{datetime.now(UTC).year}-0001")])
def test_auto_credit_number_numbers_the_purchase_as_koha_configures_it(sell, number_format,
                                                                       expected):
    CreditType.objects.filter(code="PURCHASE").update(credit_number_enabled=True)
    SystemPreference.objects.filter(variable="AutoCreditNumber").update(value=number_format)
    body = sell().json()
    assert body["credit"]["credit_number"] == expected
    assert [d["type"] for d in body["debits"]] == ["PRINT"]  # debits are never numbered


def test_auto_credit_number_leaves_purchase_alone_when_its_type_does_not_number(sell):
    CreditType.objects.filter(code="PAYMENT").update(credit_number_enabled=True)
    SystemPreference.objects.filter(variable="AutoCreditNumber").update(value="incremental")
    assert sell().json()["credit"]["credit_number"] is None


def test_a_koha_key_sells_as_its_owner(koha, for_sale):
    from tests.factories import koha_staff

    SystemPreference.objects.filter(variable="RESTOAuth2ClientCredentials").update(value="1")
    cashier = koha_staff("cashier", codes=[("cash_management", "takepayment")],
                         library=koha.cpl)
    response = koha_key_api(cashier).post(sales_url(1), sale_body(), format="json")
    assert response.status_code == 201, response.content
    assert select("SELECT DISTINCT manager_id, interface FROM accountlines") == [
        {"manager_id": cashier.pk, "interface": "api"}]


def test_verify_ledger_finds_nothing_to_report_beside_sales(sold, pay):
    pay()  # a charge of patron 42 beside the sale
    report = ledger_is_clean()
    assert "2 intake(s)" in report and "OK: no anomaly." in report
    assert "NOTICE" not in report  # a sale has no patron: none was "removed"
