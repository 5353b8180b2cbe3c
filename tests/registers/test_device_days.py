"""Devices' own day totals on the dashboard: the day and register pages compare them per payment
type with the register's lines, the overview flags a register whose day does not match, the
variance report lists the mismatch, and the JSON daily_totals carries them."""
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from payments.models import Settlement, SettlementTotal
from tests.factories import charge_and_pay
from tests.helpers import table_rows

DAY = date(2024, 5, 2)


def report(kiosk, amount, *, day=DAY, replaced_by=None):
    settlement = Settlement.objects.create(client=kiosk.client, register_id=1, day=day,
                                           request_hash="x", external_id=f"gw-{amount}")
    SettlementTotal.objects.create(settlement=settlement, payment_type="CARD",
                                   amount=Decimal(amount), count=3)
    return settlement


def card_sales(koha):
    for hour in (9, 10, 11):
        charge_and_pay(register=koha.register, at=datetime(2024, 5, 2, hour, tzinfo=UTC),
                       amount="10.00", patron=koha.patron, manager=koha.staff,
                       payment_type="CARD")


def test_day_and_register_pages_compare_per_payment_type(koha, kiosk, auditor_client):
    card_sales(koha)
    old = report(kiosk, "31.00")
    new = report(kiosk, "32.50")
    Settlement.objects.filter(pk=old.pk).update(replaced_by=new)

    day = auditor_client.get("/registers/1/2024-05-02/").content.decode()
    (row,) = table_rows(day, "device-table")[1:]
    assert row["attrs"]["data-settlement"] == str(new.pk)  # the replaced report is not shown
    assert row["cells"] == ["Kiosk CPL gw-32.50", "CARD", "32.50 (3)", "30.00 (3)", "2.50"]
    page = auditor_client.get("/registers/1/?from=2024-05-01&to=2024-05-03").content.decode()
    assert table_rows(page, "device-table")[1]["cells"][0] == "Thu 2 May 2024"


def test_the_overview_flags_and_the_variance_report_lists_a_mismatch(koha, kiosk,
                                                                      auditor_client):
    card_sales(koha)
    report(kiosk, "29.00")
    overview = auditor_client.get("/registers/?date=2024-05-02").content.decode()
    assert "device totals differ" in overview
    variances = auditor_client.get("/registers/variances/?from=2024-05-01&to=2024-05-03")
    (row,) = table_rows(variances.content.decode(), "device-table")[1:]
    assert row["cells"][1:] == ["Front desk CPL", "Kiosk CPL gw-29.00", "CARD", "29.00 (3)",
                                "30.00 (3)", "−1.00"]
    csv = auditor_client.get("/registers/variances/?from=2024-05-01&to=2024-05-03&format=csv")
    assert csv.content.decode().splitlines()[1].startswith("device,")


def test_a_matching_day_is_not_flagged(koha, kiosk, auditor_client):
    card_sales(koha)
    report(kiosk, "30.00")
    assert "device totals differ" not in auditor_client.get(
        "/registers/?date=2024-05-02").content.decode()
    assert 'id="devices-match"' in auditor_client.get(
        "/registers/variances/?from=2024-05-01&to=2024-05-03").content.decode()


def test_daily_totals_carry_the_settlements(koha, kiosk, auditor_client):
    card_sales(koha)
    made = report(kiosk, "29.00")
    body = auditor_client.get(
        "/api/v1/cash_registers/1/daily_totals?from=2024-05-01&to=2024-05-03").json()
    first, second, third = body["days"]
    assert first["settlements"] == [] and third["settlements"] == []
    (settled,) = second["settlements"]
    assert settled["settlement_id"] == made.pk and settled["matches"] is False
    assert settled["totals"] == [{"payment_type": "CARD", "reported": 29.0,
                                  "reported_count": 3, "recorded": 30.0, "recorded_count": 3,
                                  "difference": -1.0}]


def queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


PAGES_READING_THE_DAY = {
    "overview": "/registers/?date=2024-05-02",
    "register": "/registers/1/?from=2024-05-01&to=2024-05-03",
    "day": "/registers/1/2024-05-02/",
    "api": "/api/v1/cash_registers/1/daily_totals?from=2024-05-01&to=2024-05-03",
}


@pytest.mark.parametrize("page", PAGES_READING_THE_DAY)
def test_a_report_costs_no_query_the_lines_are_not_read_again(koha, kiosk, auditor_client,
                                                              page):
    """The pages compare a report with the lines' figures they read anyway, and read the reports
    with their totals in one query: a report costs no query, never a second read of the
    register's lines."""
    card_sales(koha)
    url = PAGES_READING_THE_DAY[page]
    auditor_client.get(url)  # the first view records the ledger scan
    without = queries(auditor_client, url)
    report(kiosk, "29.00")
    assert queries(auditor_client, url) == without


@pytest.mark.parametrize("url", ["/registers/?date=2024-05-02&payment_type=CARD",
                                 "/registers/?from=2024-05-01&to=2024-05-02",
                                 "/registers/1/2024-05-02/?payment_type=CASH"])
def test_a_filtered_page_or_a_range_still_compares_every_line_of_the_day(koha, kiosk,
                                                                        auditor_client, url):
    """One payment type's figures (or a range's) are not the day's: those pages read the day's
    lines for the comparison, and a report matching the register's CARD lines still matches."""
    card_sales(koha)
    report(kiosk, "30.00")
    page = auditor_client.get(url).content.decode()
    assert "device totals differ" not in page
    if "/2024-05-02/" in url:
        (row,) = table_rows(page, "device-table")[1:]
        assert row["cells"][1:4] == ["CARD", "30.00 (3)", "30.00 (3)"]


def test_a_report_without_totals_is_still_listed(koha, kiosk, auditor_client):
    """Only through the database (the API refuses an empty report): listed, nothing to compare."""
    card_sales(koha)
    Settlement.objects.create(client=kiosk.client, register_id=1, day=DAY, request_hash="x")
    (settled,) = auditor_client.get(
        "/api/v1/cash_registers/1/daily_totals?from=2024-05-02&to=2024-05-02"
    ).json()["days"][0]["settlements"]
    assert settled["totals"] == [] and settled["matches"] is True
