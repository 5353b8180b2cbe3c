"""The demo's pure parts: the day planner (deterministic, local, DST-aware) and Koha's
Data::Dumper format for ``action_logs.info``. No database."""
import random
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from demo import catalogue
from demo.library import Till, World
from demo.planner import DayPlanner

NEW_YORK = ZoneInfo("America/New_York")
WORLD = World(
    libraries={spec.branchcode: spec for spec in catalogue.LIBRARIES},
    tills=[
        Till(1, "CPL", "desk", 6, False), Till(2, "CPL", "kiosk", 3, False),
        Till(3, "MPL", "desk", 6, False), Till(4, "MPL", "desk", 3, True),
        Till(5, "FPL", "kiosk", 4, False),
    ],
    patrons={"CPL": [100, 101], "MPL": [200], "FPL": [300]},
    desk_staff={"CPL": [10], "MPL": [11], "FPL": [12]},
    kiosk_staff=20, sip_staff=21, products=list(catalogue.PRODUCTS), fines_log=True,
)


def plan(seed, day=date(2026, 3, 4), per_day=300, old=False, zone=NEW_YORK):
    return DayPlanner(WORLD, zone, random.Random(seed)).plan(day, per_day, old)


def test_the_same_seed_plans_the_same_day_and_another_seed_does_not():
    assert plan(7) == plan(7)
    assert plan(7) != plan(8)


def test_a_day_is_in_time_order_within_opening_hours_and_the_retired_till_is_unused():
    events = plan(1)
    seconds = [second for second, _, _ in events]
    assert seconds == sorted(seconds)
    assert all(9 * 3600 <= s < 20 * 3600 for s in seconds)
    assert len([e for e in events if e[1] == "sale"]) == 300
    assert 4 not in {event.register for _, _, event in events}
    assert 4 in {event.register for _, _, event in plan(1, old=True)}


def test_sales_follow_the_till_kiosks_sell_only_what_can_be_sold_and_sip_has_no_library():
    sold = {p.code for p in catalogue.PRODUCTS if p.can_be_sold}
    for _, kind, sale in plan(2):
        if kind != "sale":
            continue
        at_desk = sale.register in (1, 3)
        assert (sale.interface == "intranet") == at_desk
        assert at_desk or (sale.interface in {"sip", "api"} and sale.debit_type in sold)
        assert (sale.branchcode is None) == (sale.interface == "sip")
        desk_staff = {1: 10, 3: 11}.get(sale.register)
        assert sale.manager == {"sip": 21, "api": 20}.get(sale.interface, desk_staff)
        assert Decimal("0.10") <= sale.amount <= Decimal("25.00")
        assert sale.amount.as_tuple().exponent == -2  # cents, as a price list has them


def test_every_payout_is_preceded_by_its_credit():
    events = plan(3, per_day=1000)
    payouts = [(s, e) for s, kind, e in events if kind == "payout"]
    credits = {id(e): s for s, kind, e in events if kind == "credit"}
    assert len(payouts) == 10
    assert all(credits[id(p)] <= second and p.credited.utc <= p.at.utc for second, p in payouts)


def test_moments_are_local_wall_clock_and_utc_across_a_dst_change():
    planner = DayPlanner(WORLD, NEW_YORK, random.Random(0))
    nine = 9 * 3600
    before = planner.moment(datetime(2026, 3, 7), nine)  # EST, UTC-5
    after = planner.moment(datetime(2026, 3, 8), nine)  # EDT from 2:00 that morning, UTC-4

    assert (before.local, before.utc) == ("2026-03-07 09:00:00", "2026-03-07 14:00:00")
    assert (after.local, after.utc) == ("2026-03-08 09:00:00", "2026-03-08 13:00:00")
