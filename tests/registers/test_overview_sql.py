"""The overview's pass written as SQL (registers.sql) gives exactly the rows the ORM
gives for the same conditions — the ORM query below is the one the SQL replaced."""
import operator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import reduce

import pytest
from django.db.models import Count, Q, Sum

from registers.recency import Recency
from registers.selectors import IS_CREDIT, DayRange, last_cashups, register_lines
from registers.sql import period_and_till_rows
from tests.factories import CashRegisterFactory, busy_days, charge_and_pay, payout

DAYS = [date(2024, 5, d) for d in range(1, 8)]


def orm_rows(ids, days, last, payment_type, recency):
    in_days = days.lines(recency)
    parts = [Q(register_id=rid, date__gt=last[rid]) & recency.since(last[rid])
             for rid in ids if rid in last]
    if never := [rid for rid in ids if rid not in last]:
        parts.append(Q(register_id__in=never))
    since = reduce(operator.or_, parts)
    wanted = in_days | since
    if len(last) == len(ids):
        wanted &= recency.since(min([days.start, *last.values()]))
    return list(
        register_lines(ids, payment_type).filter(wanted).annotate(is_credit=IS_CREDIT)
        .values("register_id", "is_credit", "payment_type")
        .annotate(total=Sum("amount", filter=in_days), n=Count("pk", filter=in_days),
                  since_total=Sum("amount", filter=since), since_n=Count("pk", filter=since))
    )


def by_group(rows):
    return sorted(rows, key=lambda r: (r["register_id"], r["is_credit"], r["payment_type"] or ""))


@pytest.fixture
def ledger(koha):
    """Busy days at register 1 (cashed up each evening), register 2 never cashed up, a third
    register with no lines, a payout, and a credit dated ten days ahead (Koha's REST API)."""
    busy_days(koha, DAYS)
    payout(register=koha.other_register, at=datetime(2024, 5, 3, 12, tzinfo=UTC), amount="2.50",
           patron=koha.patron, manager=koha.staff)
    charge_and_pay(register=koha.register, at=datetime.now(UTC) + timedelta(days=10),
                   amount="9.99", patron=koha.patron, manager=koha.staff)
    empty = CashRegisterFactory(name="Quiet desk", library=koha.cpl)
    return [koha.register.id, koha.other_register.id, empty.id]


@pytest.mark.parametrize("days", [DayRange.single(DAYS[3]), DayRange(DAYS[0], DAYS[-1]),
                                  DayRange.single(date(2030, 1, 1))], ids=["day", "week", "empty"])
@pytest.mark.parametrize("payment_type", [None, "CASH", "SIP00"])
def test_the_sql_pass_gives_the_orm_rows(ledger, days, payment_type):
    recency = Recency.current()
    assert recency.ahead, "the fixture's line dated ahead must be exercised"
    last = last_cashups(ledger)
    assert set(last) == {ledger[0]}, "one register cashed up, two never"

    found = period_and_till_rows(ledger, days, last, payment_type, recency)

    expected = orm_rows(ledger, days, last, payment_type, recency)
    assert by_group(found) == by_group(expected)
    if payment_type is None:  # the till: the line dated ahead and register 2's lines
        assert any(row["since_n"] for row in found)
    assert all(isinstance(row["total"], (Decimal, type(None))) for row in found)


def test_every_register_cashed_up_adds_the_common_lower_bound(ledger, koha):
    """The branch where every register has a last cashup (the statement then says the lowest
    bound once more, for the optimizer): still the ORM's rows."""
    ids = ledger[:1]
    recency = Recency(frozenset())  # and without lines dated ahead
    last = last_cashups(ids)
    days = DayRange(DAYS[1], DAYS[4])

    found = period_and_till_rows(ids, days, last, None, recency)

    assert by_group(found) == by_group(orm_rows(ids, days, last, None, recency))
    assert sum(row["n"] for row in found) > 0
