"""Sales and refunds recorded through the API (issue 16) on the dashboard: on the right register
and day, a sale as a sale (its items, no patron), a refund as a payout with what it refunded;
every page's figures — the overview's income, payouts, net and count, the register's days and
its income by debit type, the day's net, Koha's cashup summary — and their CSVs held to direct
SQL sums over Koha's rows."""
import csv
import io
from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection

from koha.models import AccountLine
from registers.lookups import payment_type_labels
from registers.cashups import cashup_history
from registers.selectors import DayRange
from registers.transactions import day_lines
from tests.factories import CashRegisterFactory, cashup
from tests.helpers import amount, sale_body, table_rows, utc

DAY = date(2024, 5, 2)
ONE_DAY = DayRange.single(DAY)


def csv_rows(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def sql(statement: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def sql_figures(register_id: int) -> tuple[D, D, int]:
    """Income (−SUM of credits), payouts (SUM of debits) and the number of the register's lines
    on the day, straight from accountlines."""
    [(income, payouts, count)] = sql(
        "SELECT COALESCE(-SUM(CASE WHEN credit_type_code IS NOT NULL THEN amount END), 0),"
        " COALESCE(SUM(CASE WHEN credit_type_code IS NULL THEN amount END), 0), COUNT(*)"
        " FROM accountlines WHERE register_id = %s AND date >= %s AND date < %s",
        [register_id, ONE_DAY.start, ONE_DAY.end])
    return income, payouts, count


def sql_income_by_debit_type(register_id: int) -> dict[str, D]:
    """Koha's income_grouped: the APPLY offsets of the register's credits, by the paid debit's
    type, negated."""
    return dict(sql(
        "SELECT d.debit_type_code, -SUM(o.amount) FROM account_offsets o"
        " JOIN accountlines c ON c.accountlines_id = o.credit_id"
        " JOIN accountlines d ON d.accountlines_id = o.debit_id"
        " WHERE c.register_id = %s AND c.debit_type_code IS NULL AND c.date >= %s"
        " AND c.date < %s GROUP BY d.debit_type_code", [register_id, ONE_DAY.start, ONE_DAY.end]))


@pytest.fixture
def day(koha, pay, sell, refund):
    """On register 1: a patron's charge refunded in part, a sale of three items (one of them a
    copy card) refunded across two of them, a payment left alone; on the lobby register of the
    same library, a sale of its own. Then every line is dated on DAY (the API writes now)."""
    lobby = CashRegisterFactory(name="Lobby", library=koha.cpl)
    charge = pay(external_id="EXT-1").json()
    assert refund(payment_id=charge["payment_id"], amount="1.00",
                  reason="printer jam").status_code == 201
    sale = sell(sale_body(("PRINT", "0.20", 12), ("COPYCARD", "5.00", 1), ("PRINT", "0.50", 2)),
                external_id="S-1").json()
    sale_refund = refund(sale_id=sale["sale_id"], amount="3.00").json()
    pay(amount="7.25", payment_type="SIP01")
    lobby_sale = sell(sale_body(("COPYCARD", "5.00", 2)), register_id=lobby.pk).json()
    AccountLine.objects.update(date=utc(2024, 5, 2, 10))
    return charge, sale, sale_refund, lobby, lobby_sale


def test_a_sale_is_a_sale_with_its_items_and_a_refund_a_payout_with_what_it_refunded(day):
    charge, sale, sale_refund, lobby, lobby_sale = day
    lines = {line.line_id: line for line in day_lines(1, DAY)}
    sold = lines[sale["sale_id"]]
    assert (sold.kind, sold.patron, sold.external_id, sold.client_name) == (
        "sale", None, "S-1", "Kiosk CPL")
    assert [(link.line_id, link.type_code, link.amount) for link in sold.linked] == [
        (d["account_line_id"], d["type"], D(str(d["amount"]))) for d in sale["debits"]]
    payouts = [line for line in lines.values() if line.kind == "refund"]
    assert [(p.amount, [(r.line_id, r.type_code, r.amount) for r in p.refunded])
            for p in payouts] == [
        (D("-1"), [(charge["debit"]["account_line_id"], "PRINT", D("1"))]),
        (D("-2.4"), [(sale["debits"][0]["account_line_id"], "PRINT", D("2.4"))]),
        (D("-0.6"), [(sale["debits"][1]["account_line_id"], "COPYCARD", D("0.6"))]),
    ]
    assert all(p.client_name == "Kiosk CPL" for p in payouts)
    assert lines[charge["payment_id"]].external_id == "EXT-1"  # the payment's own intake
    assert lobby_sale["sale_id"] not in lines  # on its own register only
    assert [line.kind for line in day_lines(lobby.pk, DAY)] == ["sale"]


def test_the_day_page_and_its_csv_say_sale_and_refund(day, finance_client):
    charge, sale, *_ = day
    url = "/registers/1/2024-05-02/"
    html = finance_client.get(url).content.decode()
    exported = csv_rows(finance_client.get(url + "?format=csv"))
    rows = [r for r in table_rows(html, "day-table") if "data-line" in r["attrs"]]
    by_line = {row["line_id"]: row for row in exported}
    assert [r["attrs"]["data-line"] for r in rows] == [row["line_id"] for row in exported]
    sold = by_line[str(sale["sale_id"])]
    assert (sold["kind"], sold["patron_name"], sold["external_id"]) == ("sale", "", "S-1")
    assert sold["paid_lines"] == "; ".join(f"{d['account_line_id']} {d['type']} "
                                           f"{D(str(d['amount'])):.2f}" for d in sale["debits"])
    refunds = [row for row in exported if row["kind"] == "refund"]
    assert [row["refunded_lines"] for row in refunds] == [
        f"{charge['debit']['account_line_id']} PRINT 1.00",
        f"{sale['debits'][0]['account_line_id']} PRINT 2.40",
        f"{sale['debits'][1]['account_line_id']} COPYCARD 0.60"]
    assert {row["kind"] for row in exported} == {"sale", "refund", "credit"}
    assert list(exported[0])[-1] == "refunded_lines"  # every earlier column kept, in place
    assert "refund of" in html and "sold" in html and "printer jam" in html
    footer = table_rows(html, "day-table")[-1]["cells"]
    income, payouts, _ = sql_figures(1)
    assert amount(footer[1]) == income - payouts


def test_the_overview_counts_them_as_the_sql_does(day, finance_client):
    *_, lobby, _ = day
    exported = {int(row["register_id"]): row for row in csv_rows(
        finance_client.get("/registers/?date=2024-05-02&format=csv"))}
    for register_id in (1, lobby.pk):
        income, payouts, count = sql_figures(register_id)
        row = exported[register_id]
        assert (D(row["income"]), D(row["payouts"]), D(row["net"]), int(row["count"])) == (
            income, payouts, income - payouts, count)
    assert D(exported[1]["payouts"]) == D("4")  # the three refunds' payouts
    page = table_rows(finance_client.get("/registers/?date=2024-05-02").content.decode(),
                      "overview-table")
    shown = [r["cells"] for r in page if "data-register" in r["attrs"]]
    assert [amount(cells[3]) for cells in shown] == [
        D(exported[r]["net"]) for r in sorted(exported, key=lambda r: r != 1)]


def test_the_register_page_and_its_income_by_debit_type_count_them_as_the_sql_does(
        day, finance_client):
    url = "/registers/1/?from=2024-05-02&to=2024-05-02"
    [row] = csv_rows(finance_client.get(url + "&format=csv"))
    income, payouts, count = sql_figures(1)
    assert (D(row["income"]), D(row["payouts"]), D(row["net"]), int(row["count"])) == (
        income, payouts, income - payouts, count)
    html = finance_client.get(url).content.decode()
    rows = table_rows(html, "debit-type-table")
    breakdown = {r["cells"][1]: amount(r["cells"][2]) for r in rows[1:-1]}
    expected = sql_income_by_debit_type(1)
    # PRINT: the two charges' 2.50 and 7.25 and the sale's 2.40 + 1.00 — the refunds change no
    # income (a refund is a payout); COPYCARD: the sold card, at full value
    assert expected == {"PRINT": D("13.15"), "COPYCARD": D("5")}
    assert breakdown == expected  # nothing "not applied to a charge"
    assert amount(rows[-1]["cells"][1]) == income


def test_kohas_cashup_summary_counts_a_sale_as_income_and_a_refund_as_a_payout(day, koha):
    charge, sale, *_ = day
    cashup(register=koha.register, at=utc(2024, 5, 2, 17), manager=koha.staff)
    [summary] = cashup_history(1, ONE_DAY, payment_type_labels())
    income, payouts, _ = sql_figures(1)
    assert (summary.income_total, summary.payout_total, summary.total) == (
        income, payouts, income - payouts)
    assert {t.code: t.total for t in summary.income_grouped} == sql_income_by_debit_type(1)
    assert [(t.code, t.total) for t in summary.payout_grouped] == [("REFUND", D("4"))]
