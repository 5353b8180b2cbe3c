"""Date filters through Koha's timestamp index stay exact (registers.recency)."""
from datetime import UTC, timedelta
from decimal import Decimal

from django.db import OperationalError, connection

from koha.models import AccountLine
from registers.models import DatedAheadLine, LedgerScan
from registers.recency import OVERLAP, SLACK, Recency
from registers.selectors import DayRange, daily_totals, local_today, overview
from registers.transactions import day_lines
from tests.factories import charge_and_pay


def db_now():
    """The database's clock (what `timestamp` gets), in UTC as the session speaks it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT UTC_TIMESTAMP()")
        return cursor.fetchone()[0].replace(tzinfo=UTC)


def pay(koha, at, amount="5.00"):
    return charge_and_pay(register=koha.register, at=at, amount=amount, patron=koha.patron,
                          manager=koha.staff)


def test_a_credit_dated_ahead_on_purpose_is_still_counted_on_its_day(koha):
    pay(koha, db_now())  # something to index
    Recency.current()  # the first scan happens before the line exists
    ahead = pay(koha, db_now() + timedelta(days=10), "7.00")  # Koha's REST API allows this
    day = DayRange.single(ahead.credit.date.date())

    recency = Recency.current()

    assert ahead.credit.pk in recency.ahead
    (totals,) = daily_totals(koha.register.id, day, recency=recency)
    assert (totals.totals.income, totals.totals.count) == (Decimal("7.00"), 1)
    assert [line.line_id for line in day_lines(koha.register.id, day.first)] == [ahead.credit.pk]
    recorded = set(DatedAheadLine.objects.values_list("accountlines_id", flat=True))
    assert ahead.credit.pk in recorded


def test_a_writer_clock_a_little_ahead_is_absorbed_by_the_slack(koha):
    skewed = pay(koha, db_now() + SLACK - timedelta(minutes=1))

    recency = Recency.current()

    assert skewed.credit.pk not in recency.ahead
    (totals,) = daily_totals(koha.register.id, DayRange.single(skewed.credit.date.date()),
                             recency=recency)
    assert totals.totals.count == 1


def test_a_line_corrected_back_is_forgotten(koha):
    ahead = pay(koha, db_now() + timedelta(days=3))
    assert ahead.credit.pk in Recency.current().ahead
    AccountLine.objects.filter(pk=ahead.credit.pk).update(date=db_now())  # bumps timestamp too
    LedgerScan.objects.update(scanned_to=db_now() - timedelta(days=1))  # force a recording

    assert ahead.credit.pk not in Recency.current().ahead
    assert not DatedAheadLine.objects.filter(accountlines_id=ahead.credit.pk).exists()


def test_lines_written_since_the_scan_are_examined_and_older_ones_are_not_reread(koha):
    Recency.current()
    scanned_to = LedgerScan.objects.get(pk=1).scanned_to
    fresh = pay(koha, db_now() + timedelta(days=4))
    # A line whose last write predates the scan (less the overlap) was examined then: an
    # impossible "old write, future date" row planted here is therefore not looked at again.
    planted = pay(koha, db_now() + timedelta(days=4))
    AccountLine.objects.filter(pk=planted.credit.pk).update(
        timestamp=scanned_to - OVERLAP - timedelta(minutes=1))

    ahead = Recency.current().ahead

    assert fresh.credit.pk in ahead and planted.credit.pk not in ahead


def test_the_overview_counts_dated_ahead_lines_in_the_till_and_on_their_day(koha):
    Recency.current()
    ahead = pay(koha, db_now() + timedelta(days=2), "3.00")

    (figures,) = overview([koha.register], DayRange.single(ahead.credit.date.date()))

    assert figures.period.income == figures.since_cashup.income == Decimal("3.00")


def test_the_condition_only_narrows(koha):
    """Same figures with and without the timestamp condition, on lines of many ages."""
    now = db_now()
    for days_ago in (0, 1, 2, 30, 400):
        pay(koha, now - timedelta(days=days_ago))
    AccountLine.objects.update(timestamp=now - timedelta(days=1))  # old lines, rewritten lately
    days = DayRange.ending(local_today(), 366)

    with_hint = daily_totals(koha.register.id, days, recency=Recency.current())
    without = daily_totals(koha.register.id, days, recency=Recency(frozenset()))

    assert [d.totals for d in with_hint] == [d.totals for d in without]
    assert sum(d.totals.count for d in with_hint) == 4


def test_a_database_refusing_the_bookkeeping_still_gives_exact_figures(koha):
    """E.g. the dashboard on a read-only database user: the scan cannot be recorded."""
    ahead = pay(koha, db_now() + timedelta(days=5), "4.00")

    def refuse_writes(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) and "kohapay_" in sql:
            raise OperationalError(1142, "INSERT command denied to user")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_writes):
        recency = Recency.current()
        (totals,) = daily_totals(koha.register.id, DayRange.single(ahead.credit.date.date()),
                                 recency=recency)

    assert ahead.credit.pk in recency.ahead
    assert totals.totals.income == Decimal("4.00")
    assert not DatedAheadLine.objects.exists()
