"""A payment of debits the patron already owed (issue 15) shows on its register's day page with
the debits it paid: the dashboard attributes a credit through its APPLY offsets, whatever kind
of intake wrote them — on the page, in its CSV and in the day's totals."""
import csv
import io

from django.utils import timezone

from registers.selectors import DayRange, daily_totals
from tests.helpers import amount, pay_body, table_rows


def test_a_payment_of_existing_debits_is_on_its_registers_day_with_what_it_paid(
        debts, pay, finance_client):
    paid = pay(pay_body("6.00", debts.dune.pk, external_id="kiosk1-000124"))
    assert paid.status_code == 201, paid.content
    payment_id = paid.json()["payment_id"]
    url = f"/registers/1/{timezone.localdate():%Y-%m-%d}/"

    html = finance_client.get(url).content.decode()
    [row] = [r for r in table_rows(html, "day-table")
             if r["attrs"].get("data-line") == str(payment_id)]
    linked = row["cells"][4]
    assert f"OVERDUE Dune #{debts.dune.pk} 4.00" in linked
    assert f"MANUAL Replacement card #{debts.card.pk} 1.50" in linked
    assert f"OVERDUE The Hobbit #{debts.hobbit.pk} 0.50" in linked
    assert amount(row["cells"][6]) == 6  # money into the till
    assert "via Kiosk CPL" in row["cells"][7] and "kiosk1-000124" in row["cells"][7]

    exported = list(csv.DictReader(io.StringIO(
        finance_client.get(url + "?format=csv").content.decode())))
    [line] = [r for r in exported if r["line_id"] == str(payment_id)]
    assert line["paid_lines"] == (f"{debts.dune.pk} OVERDUE 4.00; {debts.card.pk} MANUAL 1.50; "
                                  f"{debts.hobbit.pk} OVERDUE 0.50")
    assert (line["kohapay_client"], line["external_id"]) == ("Kiosk CPL", "kiosk1-000124")
    # the debits themselves carry no register: they are not the till's lines
    assert {r["line_id"] for r in exported} == {str(payment_id)}
    (day,) = daily_totals(1, DayRange.single(timezone.localdate()))
    assert day.totals.net == 6
