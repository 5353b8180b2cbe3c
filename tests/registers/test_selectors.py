"""Selectors: what a day is, and what a register took (issue 4 definitions, spec §8)."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from registers import lookups, selectors
from registers.selectors import DayRange, daily_totals, overview
from tests.factories import (
    CashRegisterFactory,
    PaymentTypeFactory,
    cashup,
    charge_and_pay,
    payout,
    pos_sale,
)
from tests.helpers import utc

D = Decimal


def pay(koha, at, amount, register=None, **kw):
    return charge_and_pay(
        register=register or koha.register, at=at, amount=amount, patron=koha.patron,
        manager=koha.staff, **kw,
    )


def test_a_new_york_day_runs_from_local_midnight_to_local_midnight(koha, new_york):
    pay(koha, utc(2024, 1, 15, 4, 59, 59), "1.00")  # 23:59:59 EST on the 14th
    pay(koha, utc(2024, 1, 15, 5, 0, 0), "2.00")  # midnight EST: the 15th
    pay(koha, utc(2024, 1, 16, 4, 59, 59), "4.00")  # 23:59:59 on the 15th
    pay(koha, utc(2024, 1, 16, 5, 0, 0), "8.00")  # the 16th

    days = daily_totals(koha.register.id, DayRange(date(2024, 1, 14), date(2024, 1, 16)))

    assert [(d.day.day, d.totals.income, d.totals.count) for d in days] == [
        (14, D("1.00"), 1), (15, D("6.00"), 2), (16, D("8.00"), 1),
    ]


def test_spring_forward_day_has_23_hours_and_cuts_at_local_midnights(koha, new_york):
    # 2024-03-10: clocks jump from 02:00 EST to 03:00 EDT.
    spring = DayRange.single(date(2024, 3, 10))
    assert (spring.start, spring.end) == (utc(2024, 3, 10, 5), utc(2024, 3, 11, 4))
    pay(koha, utc(2024, 3, 10, 4, 59, 59), "1.00")  # 23:59:59 EST on the 9th
    pay(koha, utc(2024, 3, 10, 5), "2.00")  # 00:00 EST on the 10th
    pay(koha, utc(2024, 3, 10, 7, 30), "4.00")  # 03:30 EDT (just after the jump)
    pay(koha, utc(2024, 3, 11, 3, 59, 59), "8.00")  # 23:59:59 EDT on the 10th
    pay(koha, utc(2024, 3, 11, 4), "16.00")  # 00:00 EDT on the 11th

    days = daily_totals(koha.register.id, DayRange(date(2024, 3, 9), date(2024, 3, 11)))

    assert [d.totals.income for d in days] == [D("1.00"), D("14.00"), D("16.00")]


def test_fall_back_day_has_25_hours(koha, new_york):
    # 2024-11-03: 02:00 EDT becomes 01:00 EST; the day is 25 hours long.
    fall = DayRange.single(date(2024, 11, 3))
    assert fall.end - fall.start == timedelta(hours=25)
    pay(koha, utc(2024, 11, 3, 5, 30), "1.00")  # 01:30 EDT (first pass)
    pay(koha, utc(2024, 11, 3, 6, 30), "2.00")  # 01:30 EST (second pass)
    pay(koha, utc(2024, 11, 4, 4, 59, 59), "4.00")  # 23:59:59 EST on the 3rd
    pay(koha, utc(2024, 11, 4, 5), "8.00")  # the 4th

    days = daily_totals(koha.register.id, DayRange(date(2024, 11, 3), date(2024, 11, 4)))

    assert [(d.totals.income, d.totals.count) for d in days] == [(D("7.00"), 3), (D("8.00"), 1)]


def test_income_payouts_net_count_and_payment_types(koha):
    PaymentTypeFactory(authorised_value="CARD", lib="Card")
    at = utc(2024, 5, 2, 10)
    pay(koha, at, "2.50")
    pay(koha, at, "10.00", payment_type="CARD")
    pos_sale(register=koha.register, at=at, items=[("PRINT", "0.20"), ("PRINT", "0.30")],
             manager=koha.staff)
    payout(register=koha.register, at=at, amount="3.00", patron=koha.patron, manager=koha.staff)

    (day,) = daily_totals(koha.register.id, DayRange.single(at.date()))

    t = day.totals
    assert (t.income, t.payouts, t.net, t.count) == (D("13.00"), D("3.00"), D("10.00"), 4)
    assert t.for_type("CASH") == D("2.50") + D("0.50") - D("3.00")
    assert t.for_type("CARD") == D("10.00")
    assert sum(a for _, a in t.by_payment_type) == t.net


def test_a_register_with_only_payouts(koha):
    at = utc(2024, 5, 2, 10)
    payout(register=koha.register, at=at, amount="5.00", patron=koha.patron, manager=koha.staff)

    (figures,) = overview([koha.register], DayRange.single(at.date()))

    t = figures.period
    assert (t.income, t.payouts, t.net, t.count) == (D("0"), D("5.00"), D("-5.00"), 1)
    assert t.for_type("CASH") == D("-5.00")
    assert figures.since_cashup.net == D("-5.00")


def test_lines_without_a_register_or_of_another_register_are_excluded(koha):
    at = utc(2024, 5, 2, 10)
    paid = pay(koha, at, "2.50")
    pay(koha, at, "7.00", register=koha.other_register)
    assert paid.debit.register_id is None  # the charge itself is not journaled to the till

    mine, other = overview([koha.register, koha.other_register], DayRange.single(at.date()))

    assert (mine.period.net, mine.period.count) == (D("2.50"), 1)
    assert (other.period.net, other.period.count) == (D("7.00"), 1)


def test_archived_registers_are_listed_only_when_asked(koha):
    archived = CashRegisterFactory(name="Old till", library=koha.cpl, archived=True)
    pay(koha, utc(2024, 5, 2, 10), "4.00", register=archived)

    default = lookups.dashboard_registers(library_codes=None)
    everything = lookups.dashboard_registers(library_codes=None, include_archived=True)

    assert archived not in default
    assert archived in everything
    shown = lookups.registers_shown(list(everything), include_archived=False, library=None)
    assert shown == list(default)
    figures = {f.register: f for f in overview(list(everything), DayRange.single(date(2024, 5, 2)))}
    assert figures[archived].period.income == D("4.00")


def test_dashboard_registers_honour_a_library_restriction(koha):
    assert list(lookups.dashboard_registers(library_codes={"MPL"})) == [koha.other_register]
    assert list(lookups.dashboard_registers(library_codes=set())) == []
    visible = list(lookups.dashboard_registers(library_codes=None, include_archived=True))
    assert lookups.registers_shown(visible, include_archived=True, library="CPL") == [koha.register]
    assert lookups.libraries_of(visible) == [("CPL", "Centerville"), ("MPL", "Midway")]


def test_since_last_cashup_is_strictly_after_the_last_cashup(koha):
    first = utc(2024, 5, 2, 9)
    pay(koha, first, "1.00")
    cashup(register=koha.register, at=utc(2024, 5, 2, 9, 30), manager=koha.staff)
    last = cashup(register=koha.register, at=utc(2024, 5, 2, 12), manager=koha.staff)
    pay(koha, last.timestamp, "2.00")  # same second as the cashup: Koha leaves it out (`>`)
    pay(koha, last.timestamp + timedelta(seconds=1), "4.00")

    (figures,) = overview([koha.register], DayRange.single(first.date()))

    assert figures.last_cashup == last.timestamp
    assert (figures.since_cashup.income, figures.since_cashup.count) == (D("4.00"), 1)
    assert figures.period.income == D("7.00")


def test_a_register_never_cashed_up_counts_every_line_as_in_the_till(koha):
    pay(koha, utc(2023, 1, 1, 10), "1.00")
    pay(koha, utc(2024, 5, 2, 10), "2.00")

    (figures,) = overview([koha.register], DayRange.single(date(2024, 5, 2)))

    assert figures.last_cashup is None
    assert figures.since_cashup.income == D("3.00")


def test_payment_type_filter_applies_to_every_figure(koha):
    at = utc(2024, 5, 2, 10)
    pay(koha, at, "1.00")
    pay(koha, at, "2.00", payment_type="SIP00")

    (figures,) = overview([koha.register], DayRange.single(at.date()), payment_type="SIP00")

    assert (figures.period.income, figures.since_cashup.income) == (D("2.00"), D("2.00"))


def test_income_by_debit_type_follows_the_offsets(koha):
    at = utc(2024, 5, 2, 10)
    pay(koha, at, "2.50")
    pay(koha, at, "1.00", debit_type="MANUAL", description="Lost card")
    pos_sale(register=koha.register, at=at, items=[("PRINT", "0.50")], manager=koha.staff)
    payout(register=koha.register, at=at, amount="3.00", patron=koha.patron, manager=koha.staff)

    rows = selectors.income_by_debit_type(koha.register.id, DayRange.single(at.date()))

    assert [(r.code, r.total) for r in rows] == [("MANUAL", D("1.00")), ("PRINT", D("3.00"))]


def test_totals_equal_a_direct_sql_sum(koha, new_york):
    PaymentTypeFactory(authorised_value="CARD", lib="Card")
    start = utc(2024, 3, 1, 3)
    for i in range(40):  # every 7h 13min, across the DST change of 10 March
        at = start + timedelta(hours=7 * i, minutes=13 * i)
        pay(koha, at, f"{i + 1}.{i % 100:02d}", payment_type=("CASH", "CARD")[i % 2])
        if i % 7 == 0:
            payout(register=koha.register, at=at, amount="0.75", patron=koha.patron,
                   manager=koha.staff)
    days = DayRange(date(2024, 3, 2), date(2024, 3, 12))

    computed = selectors.sum_totals(d.totals for d in daily_totals(koha.register.id, days))

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT -SUM(amount), COUNT(*), -SUM(CASE WHEN credit_type_code IS NOT NULL"
            " THEN amount ELSE 0 END) FROM accountlines"
            " WHERE register_id = %s AND date >= %s AND date < %s",
            [koha.register.id, days.start, days.end],
        )
        net, count, income = cursor.fetchone()
    assert (computed.net, computed.count, computed.income) == (net, count, income)
    assert 0 < count < 47  # the range cuts the series at both ends


@pytest.mark.parametrize("n_days", [1, 2, 7, 31, 366])
def test_day_index_agrees_with_the_range_bounds(koha, n_days):
    days = DayRange.ending(date(2024, 12, 31), n_days)
    for i in sorted({0, n_days // 2, n_days - 1}):
        pay(koha, days.bounds[i], "1.00")  # first second of day i
        pay(koha, days.bounds[i + 1] - timedelta(seconds=1), "2.00")  # its last second

    totals = daily_totals(koha.register.id, days)

    expected = {0, n_days // 2, n_days - 1}
    assert [i for i, d in enumerate(totals) if d.totals.count] == sorted(expected)
    assert all(d.totals.income == D("3.00") for d in totals if d.totals.count)


def test_a_range_is_bounded(koha):
    with pytest.raises(ValueError):
        DayRange(date(2024, 1, 2), date(2024, 1, 1))
    with pytest.raises(ValueError):
        DayRange(date(2023, 1, 1), date(2024, 1, 2))
