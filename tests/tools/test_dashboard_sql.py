"""The benchmark's hand-written SQL computes the same figures as the dashboard pages — local days
(here New York's, with lines near midnight), income by debit type over every offset (a voided
payment included), cashup summaries — so "page ÷ raw SQL" compares like with like."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from koha.models import AccountLine, AccountOffset
from tests.factories import AccountLineFactory, busy_days, charge_and_pay, payout
from tests.helpers import utc
from tools.bench import dashboard, dashboard_figures
from tools.bench.raw_sql import Runner

DAY = date(2024, 5, 2)
TARGET = {"register": 1, "day": DAY, "first": DAY - timedelta(days=29)}


def void(paid) -> None:
    """Koha's Line::void of a payment (spec §3): a VOID debit, VOID offsets giving the money back
    to the debit it had paid, the credit applied to the VOID debit instead."""
    credit, amount = paid.credit, -paid.credit.amount
    debit = AccountLineFactory(
        patron=credit.patron, date=credit.date, amount=amount, amountoutstanding=0,
        debit_type_id="VOID", manager=credit.manager, library=credit.library,
    )
    AccountOffset.objects.create(type="CREATE", amount=amount, debit=debit)
    AccountOffset.objects.create(type="VOID", amount=amount, credit=credit, debit=paid.debit)
    AccountOffset.objects.create(type="APPLY", amount=-amount, credit=credit, debit=debit)
    AccountLine.objects.filter(pk=credit.pk).update(status="VOID")


@pytest.fixture
def finance_client(client, db):
    from django.contrib.auth.models import User

    from registers.access import ensure_groups

    user = User.objects.create_user("fiona")
    user.groups.add(ensure_groups()["Finance staff"])
    client.force_login(user)
    return client


@pytest.fixture
def world(koha, settings):
    settings.KOHA_TIME_ZONE = "America/New_York"  # days with daylight saving, not UTC's
    busy_days(koha, [DAY - timedelta(days=n) for n in range(4)], per_day=5)
    # 22:30 in New York on DAY, 02:30 UTC the day after: DAY's line, locally.
    late = charge_and_pay(register=koha.register, at=utc(2024, 5, 3, 2, 30), amount="7.77",
                          patron=koha.patron, manager=koha.staff)
    void(late)
    void(charge_and_pay(register=koha.register, at=utc(2024, 4, 30, 15), amount="2.00",
                        patron=koha.patron, manager=koha.staff))
    payout(register=koha.register, at=utc(2024, 5, 3, 1), amount="1.50", patron=koha.patron,
           manager=koha.staff)
    return koha


def compare(client, name):
    url, raw = dashboard._pages(TARGET)[name]
    with connection.cursor() as cur:
        found = raw(Runner(cur))
    return dashboard._check(client, url, name, found), found


@pytest.mark.parametrize("name", ["overview", "register_30d", "day", "journal_30d"])
def test_raw_sql_gives_the_pages_figures(world, finance_client, name):
    check, _ = compare(finance_client, name)
    assert check["differences"] == []
    assert check["match"] is True


def test_income_by_debit_type_counts_void_offsets_as_koha_does(world, finance_client):
    check, found = compare(finance_client, "register_30d")
    by_type = dashboard_figures.register_from_raw(found)["by_debit_type"]

    assert check["match"] is True
    assert by_type["VOID"] == dashboard_figures.money(Decimal("9.77"))  # both voided payments
    income = sum(Decimal(d["income"]) for d in
                 dashboard_figures.register_from_raw(found)["days"].values())
    assert sum(Decimal(v) for v in by_type.values()) == income  # every payment attributed once


def test_days_are_local_days(world, finance_client):
    _, found = compare(finance_client, "day")
    lines = dashboard_figures.day_from_raw(found)["lines"]
    assert {"7.770000", "-1.500000"} <= {line["amount"] for line in lines}


def test_a_difference_is_reported_with_where_it_is(world, finance_client):
    url, raw = dashboard._pages(TARGET)["day"]
    with connection.cursor() as cur:
        found = raw(Runner(cur))
    page = dashboard_figures.day_from_raw(found)
    found["lines"] = found["lines"][1:]

    diffs = dashboard_figures.differences(page, dashboard_figures.day_from_raw(found))

    assert diffs and diffs[0].startswith("figures.lines")


@pytest.fixture
def counted_and_reported(world, kiosk):
    """A cashup kohapay counted (a variance on the overview) and a device's report of DAY that
    differs from the register's CASH lines by 0.01 (the overview's flag, the day page's table)."""
    from payments.models import Settlement, SettlementTotal
    from payments.services.cashups import record_cashup

    record_cashup(register_id=world.register.pk, manager_id=51,
                  counted={"CASH": Decimal("999.99")}, note="short")
    report = Settlement.objects.create(client=kiosk.client, register_id=world.register.pk,
                                       day=DAY, request_hash="x", external_id="gw-1")
    cash = dashboard_figures.day_from_raw(compare_raw("day"))["totals"]["by_type"]["CASH"]
    SettlementTotal.objects.create(settlement=report, payment_type="CASH",
                                   amount=Decimal(cash) + Decimal("0.01"), count=1)
    return world


def compare_raw(name):
    url, raw = dashboard._pages(TARGET)[name]
    with connection.cursor() as cur:
        return raw(Runner(cur))


@pytest.mark.parametrize("name", ["overview", "day"])
def test_variances_and_device_totals_are_compared_too(counted_and_reported, finance_client,
                                                      name):
    check, found = compare(finance_client, name)
    figures = dashboard_figures.FROM_RAW[name](found)

    assert check["differences"] == []
    if name == "overview":
        register = figures[str(counted_and_reported.register.pk)]
        assert register["variance"] not in (None, dashboard_figures.money(0))
        assert register["devices_differ"] == [DAY.isoformat()]
    else:
        (device,) = figures["devices"]
        reported, _, recorded, _ = device["types"]["CASH"]
        assert Decimal(reported) - Decimal(recorded) == Decimal("0.01")


def test_a_device_total_the_raw_sql_misses_is_a_difference(counted_and_reported,
                                                           finance_client):
    url, raw = dashboard._pages(TARGET)["overview"]
    found = compare_raw("overview")
    found["settlements"] = []

    check = dashboard._check(finance_client, url, "overview", found)

    assert any("devices_differ" in d for d in check["differences"])
