"""Koha's time zone (issue 2, item 4): what kohapay writes reads back, in a session using Koha's
zone, as the right local wall-clock time — proved in New York, in winter and in summer (DST).

Koha's session sets ``time_zone`` to Koha's zone; named zones are not loaded in this MariaDB, so
the raw "Koha" connection uses the numeric offset zoneinfo gives for that instant. Had kohapay
written local wall-clock time into its UTC session, the raw read would be 5 (or 4) hours early.
"""
from datetime import datetime
from zoneinfo import ZoneInfo

import MySQLdb
import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from koha.models import AccountLine, Statistic

NEW_YORK = ZoneInfo("America/New_York")
WALL_CLOCKS = [datetime(2026, 1, 15, 9, 30), datetime(2026, 7, 15, 9, 30)]  # EST, then EDT

# transactional_db: the raw connection must see committed rows (conftest then empties the tables).
pytestmark = pytest.mark.usefixtures("transactional_db", "new_york")


@pytest.fixture
def new_york():
    with override_settings(TIME_ZONE="America/New_York", KOHA_TIME_ZONE="America/New_York"):
        yield


def koha_session(offset: str):
    """A connection configured as Koha configures its own: Koha's zone, as an offset."""
    db = connection.settings_dict
    raw = MySQLdb.connect(
        host=db["HOST"] or "127.0.0.1", port=int(db["PORT"] or 3306), user=db["USER"],
        password=db["PASSWORD"], database=db["NAME"], charset="utf8mb4",
    )
    raw.cursor().execute("SET time_zone = %s", [offset])
    return raw


def offset_of(wall_clock: datetime) -> str:
    seconds = int(wall_clock.replace(tzinfo=NEW_YORK).utcoffset().total_seconds())
    sign, seconds = ("-" if seconds < 0 else "+"), abs(seconds)
    return f"{sign}{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def raw_select(sql: str, params, offset: str):
    raw = koha_session(offset)
    try:
        cursor = raw.cursor()
        cursor.execute(sql, params)
        return cursor.fetchone()[0]
    finally:
        raw.close()


@pytest.mark.parametrize("wall_clock", WALL_CLOCKS, ids=["january", "july"])
def test_a_date_kohapay_writes_reads_back_as_local_time_in_kohas_session(wall_clock):
    line = AccountLine.objects.create(interface="api", date=timezone.make_aware(wall_clock))

    seen_by_koha = raw_select(
        "SELECT date FROM accountlines WHERE accountlines_id = %s", [line.pk], offset_of(wall_clock)
    )
    seen_in_utc = raw_select(
        "SELECT date FROM accountlines WHERE accountlines_id = %s", [line.pk], "+00:00"
    )

    assert seen_by_koha == wall_clock
    instant = wall_clock.replace(tzinfo=NEW_YORK).astimezone(ZoneInfo("UTC"))
    assert seen_in_utc == instant.replace(tzinfo=None)


@pytest.mark.parametrize("wall_clock", WALL_CLOCKS, ids=["january", "july"])
def test_a_date_koha_writes_reads_back_as_the_same_instant_in_kohapay(wall_clock):
    raw = koha_session(offset_of(wall_clock))
    try:
        cursor = raw.cursor()
        cursor.execute(
            "INSERT INTO accountlines (date, interface) VALUES (%s, 'intranet')", [wall_clock]
        )
        line_id = cursor.lastrowid
        raw.commit()
    finally:
        raw.close()

    line = AccountLine.objects.get(pk=line_id)

    assert line.date == wall_clock.replace(tzinfo=NEW_YORK)
    assert timezone.localtime(line.date).replace(tzinfo=None) == wall_clock


@pytest.mark.parametrize("wall_clock", WALL_CLOCKS, ids=["january", "july"])
def test_statistics_datetime_holds_kohas_wall_clock(wall_clock):
    """`statistics.datetime` is a DATETIME: no session conversion; Koha stores local time in it."""
    Statistic.objects.create(
        datetime=timezone.make_aware(wall_clock), borrowernumber=42, type="payment", value="-2.5",
    )

    for offset in (offset_of(wall_clock), "+00:00"):  # whatever the session's zone
        stored = raw_select("SELECT datetime FROM statistics WHERE borrowernumber = 42", [], offset)
        assert stored == wall_clock
    assert Statistic.objects.get(borrowernumber=42).datetime == wall_clock.replace(tzinfo=NEW_YORK)
