"""Each page costs a fixed number of queries, whatever the number of registers, days and lines."""
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registers.models import LedgerScan
from tests.factories import CashRegisterFactory, LibraryFactory, busy_days, cashup, charge_and_pay
from tests.helpers import utc

DAY = date(2024, 5, 2)
PAGES = {
    "overview": "/registers/?date=2024-05-02",
    "overview_csv": "/registers/?date=2024-05-02&format=csv",
    "overview_range": "/registers/?from=2024-04-01&to=2024-05-02",
    "register": "/registers/1/?from=2024-04-03&to=2024-05-02",
    "register_csv": "/registers/1/?from=2024-04-03&to=2024-05-02&format=csv",
    "register_year": "/registers/1/?from=2023-05-03&to=2024-05-02",
    "day": "/registers/1/2024-05-02/",
    "day_csv": "/registers/1/2024-05-02/?format=csv",
    "api": "/api/v1/cash_registers/1/daily_totals?from=2024-04-03&to=2024-05-02",
}


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def grow(koha):
    """Ten times the registers, days and lines of the small world."""
    busy_days(koha, [DAY - timedelta(days=n) for n in range(1, 12)], per_day=8)
    busy_days(koha, [DAY], per_day=10)
    for n in range(8):
        library = LibraryFactory() if n % 2 else koha.cpl
        register = CashRegisterFactory(library=library, archived=n == 7)
        for hour in range(9, 12):
            charge_and_pay(register=register, at=utc(2024, 5, 2, hour), amount=f"{n + hour}.15",
                           patron=koha.patron, manager=koha.staff, payment_type="SIP00")
        cashup(register=register, at=utc(2024, 5, 2, 13), manager=koha.staff)


@pytest.mark.parametrize("page", PAGES)
def test_queries_per_page_do_not_grow_with_registers_days_or_lines(koha, finance_client, page):
    busy_days(koha, [DAY], per_day=1)
    finance_client.get(PAGES[page])  # the first view records the ledger scan (recency.py)
    small = queries(finance_client, PAGES[page])

    grow(koha)
    large = queries(finance_client, PAGES[page])

    print(f"\n{page}: {large} queries")
    assert large == small


def test_a_restricted_users_pages_cost_the_same(koha, client, make_user):
    client.force_login(make_user("mia", "Finance staff", libraries=["CPL"]))
    busy_days(koha, [DAY], per_day=1)
    client.get(PAGES["overview"])  # records the ledger scan
    small = [queries(client, url) for url in PAGES.values()]

    grow(koha)

    assert [queries(client, url) for url in PAGES.values()] == small


def test_a_view_that_records_the_ledger_scan_costs_a_fixed_extra(koha, finance_client):
    busy_days(koha, [DAY], per_day=1)
    recording_small = queries(finance_client, PAGES["overview"])
    steady = queries(finance_client, PAGES["overview"])
    grow(koha)
    LedgerScan.objects.update(scanned_to=None)  # as if never scanned: the whole table again

    assert queries(finance_client, PAGES["overview"]) == recording_small > steady
