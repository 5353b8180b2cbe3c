"""Finding lines by ``date`` through Koha's ``timeidx`` (``accountlines.timestamp``) — exactly.

``accountlines`` has no index on ``date``, so "the lines of this register dated from L" reads
every line of the register. But MariaDB sets ``timestamp`` on every insert and update, and Koha's
writers set ``date`` to the moment of writing or earlier (backdated cashup surplus, imported
history): a line dated at or after L was written at or after L. Two things break that rule:
a writer whose clock runs ahead of the database's (seconds), absorbed by a margin (``SLACK``);
and a line dated ahead on purpose (Koha's REST credit endpoint accepts a future ``date``),
which kohapay records (``DatedAheadLine``). Hence, for any L:

    date >= L   implies   timestamp >= L − SLACK   or   accountlines_id IN (lines dated ahead)

and every date filter of the pages carries that condition (``Recency.since``): the result is
the same, but the database reads the recent part of ``timeidx`` instead of the whole register.

The dated-ahead lines are found incrementally: each page view examines only the lines written
since the last scan (``timestamp >= scanned_to − OVERLAP``, again ``timeidx``) plus those already
known. The first view on a database examines the whole table, once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import DatabaseError, transaction
from django.db.models import DateTimeField, F, IntegerField, Q, Value
from django.db.models.functions import Now
from django.utils import timezone

from koha.models import AccountLine
from registers.models import DatedAheadLine, LedgerScan

logger = logging.getLogger("kohapay.registers")

SLACK = timedelta(days=1)  # how far a writer's clock may run ahead of the database's
OVERLAP = timedelta(hours=1)  # a transaction still open this long after writing could be missed
RESCAN_EVERY = timedelta(minutes=5)  # how stale scanned_to may get before it is moved on


@dataclass(frozen=True)
class Recency:
    """The lines dated ahead, as of this request; builds the index-friendly conditions."""

    ahead: frozenset[int]

    @classmethod
    def current(cls) -> Recency:
        scanned_to, now, known = _state()
        ahead = _examine(scanned_to, known)
        if ahead != known or scanned_to is None or now - scanned_to > RESCAN_EVERY:
            try:
                ahead = _record(ahead)
            except DatabaseError as exc:  # e.g. a read-only database user: still exact, slower
                logger.warning("could not record the ledger scan: %s", exc)
        return cls(frozenset(ahead))

    def since(self, lower: datetime, prefix: str = "") -> Q:
        """Narrowing condition for lines dated at or after ``lower`` (``prefix`` reaches the
        line through a relation, e.g. ``"credit__"``). Implied by the date filter: AND it in."""
        return _written_since(lower - SLACK, self.ahead, prefix)


def _written_since(lower: datetime, ids: set[int] | frozenset[int], prefix: str = "") -> Q:
    """``timestamp >= lower``, or one of ``ids`` (lines to read whatever their timestamp):
    ``since``'s condition and the scan's (``_examine``)."""
    condition = Q(**{f"{prefix}timestamp__gte": lower})
    if ids:
        condition |= Q(**{f"{prefix}pk__in": sorted(ids)})
    return condition


def _state() -> tuple[datetime | None, datetime, set[int]]:
    """(scanned_to, the database's clock, known dated-ahead ids) — one query: the scan's row
    (the clock never NULL) and a row per known line (the clock NULL)."""
    no_line = Value(None, output_field=IntegerField())
    no_time = Value(None, output_field=DateTimeField())
    scan = LedgerScan.objects.filter(pk=1).annotate(now=Now(), line=no_line)
    known_lines = DatedAheadLine.objects.annotate(scanned=no_time, now=no_time)
    rows = scan.values_list("scanned_to", "now", "line").union(
        known_lines.values_list("scanned", "now", "accountlines_id"), all=True)
    rows = list(rows)
    known = {line_id for _, now, line_id in rows if now is None}
    row = next((r for r in rows if r[1] is not None), None)
    if row is None:  # no row (a flushed test database): nothing recorded, _record creates it
        return None, timezone.now(), known
    return row[0], row[1], known


def _examine(scanned_to: datetime | None, known: set[int]) -> set[int]:
    """The lines dated ahead among those written since the scan and those already known: all of
    them (a line written earlier and not known was examined before and has not changed)."""
    lines = AccountLine.objects.filter(date__gt=F("timestamp") + SLACK).order_by()
    if scanned_to is not None:
        lines = lines.filter(_written_since(scanned_to - OVERLAP, known))
    return set(lines.values_list("pk", flat=True))


def _record(ahead: set[int]) -> set[int]:
    """Move the scan on, under a lock so that concurrent page views record one consistent
    state; the state is re-read inside the lock."""
    with transaction.atomic():
        LedgerScan.objects.get_or_create(pk=1)
        scan = LedgerScan.objects.select_for_update().annotate(now=Now()).get(pk=1)
        known = set(DatedAheadLine.objects.values_list("accountlines_id", flat=True))
        ahead = _examine(scan.scanned_to, known)
        DatedAheadLine.objects.filter(accountlines_id__in=known - ahead).delete()
        DatedAheadLine.objects.bulk_create(
            [DatedAheadLine(accountlines_id=pk) for pk in ahead - known], ignore_conflicts=True
        )
        LedgerScan.objects.filter(pk=1).update(scanned_to=scan.now)
    return ahead
