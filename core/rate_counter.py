"""Rate-limit counting: a fixed-window counter per (scope, identity), incremented and read back by
ONE atomic SQL statement on ``kohapay_rate_counter`` (``core.models.RateCounter``; the statement
is ``core.sql.count_in_window``).

Why one statement: DRF's throttles on Django's database cache read the counter, then wrote it back
in a second transaction (4–7 statements and a second commit per request), and two requests that
read the same count both passed. Here the database increments the row under its own row lock and
hands back the new count, so every request gets a distinct number and exactly ``limit`` of them
are at or below the limit, whatever the number of processes and hosts.

- MariaDB/MySQL: ``INSERT … ON DUPLICATE KEY UPDATE hits = LAST_INSERT_ID(hits + 1)``. MariaDB
  cannot RETURNING from that form, but ``LAST_INSERT_ID(expr)`` makes the count the statement's
  "insert id", which comes back in the OK packet (``cursor.lastrowid``): no second round trip.
  The first hit of a window inserts ``LAST_INSERT_ID(1)`` for the same reason (a plain 1 would
  report 0: the table has no AUTO_INCREMENT column).
- SQLite (the demo) and PostgreSQL: ``INSERT … ON CONFLICT … DO UPDATE … RETURNING hits``.

The statement runs in autocommit — the throttles run before the view, whose transaction starts
later — so the row is locked for the statement only, never across a request.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from core import sql
from core.models import RateCounter

# Windows are at most a day long (DRF rates: per second, minute, hour or day): rows of windows
# that started more than a day ago have ended, whatever the rate.
KEPT_FOR = timedelta(days=1)


@dataclass(frozen=True)
class WindowCount:
    hits: int  # requests counted in the window, this one included
    ends_at: float  # when the window ends (Unix time): the count starts again from zero


def count_hit(scope: str, ident: str, seconds: int, *, now: float | None = None) -> WindowCount:
    """Count one request of ``ident`` in ``scope`` in its ``seconds``-long window (aligned on the
    Unix epoch, so every process agrees on it); the window's count after this one."""
    window_start, ends_at = window_of(seconds, now=now)
    hits = sql.count_in_window(scope, ident, window_start)
    return WindowCount(hits=hits, ends_at=ends_at)


def window_of(seconds: int, *, now: float | None = None) -> tuple[datetime, float]:
    """The ``seconds``-long window ``now`` falls in (aligned on the Unix epoch): its start, as
    the counter row keys it, and its end (Unix time)."""
    now = time.time() if now is None else now
    start = int(now // seconds) * seconds
    return datetime.fromtimestamp(start, tz=UTC), float(start + seconds)


def purge_rate_counters(*, now: datetime | None = None) -> int:
    """Delete the counters of windows that have ended (started over a day ago); how many."""
    cutoff = (now or timezone.now()) - KEPT_FOR
    deleted, _ = RateCounter.objects.filter(window_start__lt=cutoff).delete()
    return deleted
