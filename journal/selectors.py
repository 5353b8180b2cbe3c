"""Reads of the journal: which register lines a journal covers, what was posted of them, and the
journal itself (current, or only what changed since posting)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.http import Http404

from journal import facts as ledger
from journal.entries import Journal, build
from journal.mappings import Mappings, current
from journal.models import PostedFact, PostedLine, Posting
from koha.models import AccountLine, CashRegister
from payments.cashups.selectors import cashup_action, closed_session
from registers.access import library_codes
from registers.lookups import dashboard_registers
from registers.selectors import DayRange, local_time

UNPOSTED, ALL = "unposted", "all"


def day_selection(user, days: DayRange) -> ledger.Selection:
    """The lines of every register the user may see (archived ones too), dated within ``days``."""
    ids = tuple(dashboard_registers(library_codes=library_codes(user), include_archived=True)
                .values_list("id", flat=True))
    return ledger.Selection(ids, days)


def cashup_selection(user, cashup_id: int) -> ledger.Selection:
    """The session a cashup closed, on a register the user may see (else 404)."""
    action = cashup_action(cashup_id)
    codes = library_codes(user)
    if action is None or (codes is not None and not CashRegister.objects.filter(
            pk=action.register_id, library_id__in=codes).exists()):
        raise Http404("No such cashup.")
    after, until = closed_session(action)
    first = None if after is not None else ledger.first_line(action.register_id, until)
    return ledger.Selection.for_session(action.register_id, action.pk, after, until, first)


def selection_for(user, *, days: DayRange, cashup_id: int | None = None) -> ledger.Selection:
    """A journal's lines: one cashup's session when asked for, else the days'."""
    return cashup_selection(user, cashup_id) if cashup_id else day_selection(user, days)


def reference(selection: ledger.Selection, prefix: str):
    """How a journal's lines are referenced: ``<prefix>-<yyyymmdd>-<library>`` for a day,
    ``<prefix>-C<cashup id>-<library>`` for a cashup."""
    if selection.cashup_id is not None:
        return lambda day, library: f"{prefix}-C{selection.cashup_id}-{library}"
    return lambda day, library: f"{prefix}-{day:%Y%m%d}-{library}"


def _posted_rows(selection: ledger.Selection):
    if selection.cashup_id is None:
        return PostedFact.objects.filter(register_id__in=selection.register_ids,
                                         day__gte=selection.days.first,
                                         day__lte=selection.days.last)
    lines = AccountLine.objects.filter(selection.lines(),
                                       register_id__in=selection.register_ids)
    return PostedFact.objects.filter(accountlines_id__in=lines.values("pk"))


def posted_facts(selection: ledger.Selection, *, per_line: bool = False) -> dict:
    """What postings already took of these lines, keyed as ``facts.facts`` keys them."""
    names = ["day", "library", "payment_type", "flow", "kind", "code"]
    if per_line:
        names += ["accountlines_id", "register_id"]
    found: dict = defaultdict(Decimal)
    for row in _posted_rows(selection).order_by().values(*names).annotate(total=Sum("amount")):
        key = ledger.Key(*(row[name] for name in names[:6]))
        if per_line:
            key = ledger.LineKey(row["accountlines_id"], row["register_id"], key)
        found[key] += row["total"]
    return dict(found)


def postings_of(selection: ledger.Selection) -> list[Posting]:
    """The postings that took something of these lines, newest first."""
    ids = _posted_rows(selection).values("posting_id").distinct()
    return list(Posting.objects.filter(pk__in=ids).order_by("-id"))


@dataclass(frozen=True)
class Report:
    selection: ledger.Selection
    journal: Journal
    view: str
    mappings: Mappings


def report(selection: ledger.Selection, *, view: str = UNPOSTED,
           mappings: Mappings | None = None) -> Report:
    """The journal of the selection: with ``UNPOSTED``, only what changed since it was posted."""
    mappings = mappings or current()
    found = ledger.facts(selection)
    if view == UNPOSTED:
        found = ledger.subtract(found, posted_facts(selection))
    on_day = None
    if selection.cashup_id is not None:
        on_day = local_time(selection.until).date()
    journal = build(found, mappings, reference=reference(selection,
                                                         mappings.settings.reference_prefix),
                    on_day=on_day)
    return Report(selection, journal, view, mappings)


def posting(posting_id: int, user) -> Posting:
    """A posting the user may read: one whose libraries the user sees (else 404)."""
    found = Posting.objects.filter(pk=posting_id).first()
    codes = library_codes(user)
    if found is None or (codes is not None and not set(_libraries(found)) <= codes):
        raise Http404("No such posting.")
    return found


def _libraries(posting: Posting) -> list[str]:
    return list(posting.lines.values_list("library", flat=True).distinct())


def history(user, *, limit: int = 50) -> list[Posting]:
    """The newest postings the user may read."""
    codes = library_codes(user)
    postings = Posting.objects.order_by("-id")
    if codes is not None:  # only postings wholly within the user's libraries
        postings = postings.exclude(lines__in=PostedLine.objects.exclude(library__in=codes))
    return list(postings[:limit])


