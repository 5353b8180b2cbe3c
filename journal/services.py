"""Writes of the journal: mapping and settings changes (versioned) and postings.

Every write takes the one ``JournalSettings`` row FOR UPDATE first: mapping changes and postings
run one at a time, so a posting's lines, its facts and the mapping version it records agree, and
two people posting the same days at once post them once (the second finds nothing left).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.forms.models import model_to_dict

from journal import facts as ledger
from journal.entries import build
from journal.exceptions import InvalidMapping, JournalChanged, NothingToPost
from journal.mappings import SETTINGS_ID, current, journal_settings
from journal.models import (
    SETTINGS,
    JournalSettings,
    Mapping,
    MappingChange,
    PostedFact,
    PostedLine,
    Posting,
)
from journal.selectors import posted_facts, reference
from registers.access import koha_access, library_codes
from registers.selectors import local_time

MAPPED_FIELDS = ("account", "cost_centre", "vat_rate", "vat_code")
SETTINGS_FIELDS = ("default_income_account", "default_clearing_account", "default_cost_centre",
                   "vat_account", "reference_prefix", "layout_columns", "layout_separator",
                   "layout_header")


def _lock() -> JournalSettings:
    journal_settings()  # the row exists before anyone locks it
    return JournalSettings.objects.select_for_update().get(pk=SETTINGS_ID)


def _who(user) -> dict:
    """The user, and the name an auditor reads: a Koha login's Koha userid."""
    koha = koha_access(user) if user is not None else None
    name = koha.userid if koha is not None else getattr(user, "username", "")
    return {"changed_by": user if getattr(user, "pk", None) else None,
            "changed_by_name": name or "system"}


def _plain(values: dict) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items()}


def save_mapping(*, user, kind: str, code: str, account: str = "", cost_centre: str = "",
                 vat_rate: Decimal | None = None, vat_code: str = "") -> MappingChange | None:
    """Create or change one code's mapping; None when nothing changed (no new version)."""
    if vat_rate is not None and not Decimal(0) <= vat_rate <= Decimal(100):
        raise InvalidMapping("A VAT rate is a percentage from 0 to 100.")
    new = {"account": account, "cost_centre": cost_centre, "vat_rate": vat_rate,
           "vat_code": vat_code}
    with transaction.atomic(durable=True):
        _lock()
        row = Mapping.objects.filter(kind=kind, code=code).first()
        old = None if row is None else model_to_dict(row, fields=MAPPED_FIELDS)
        if old == new:
            return None
        Mapping.objects.update_or_create(kind=kind, code=code, defaults=new)
        return MappingChange.objects.create(kind=kind, code=code, old=_plain(old or {}) or None,
                                            new=_plain(new), **_who(user))


def delete_mapping(*, user, kind: str, code: str) -> MappingChange | None:
    """Back to the default for this code (a new version); None if it had no mapping."""
    with transaction.atomic(durable=True):
        _lock()
        row = Mapping.objects.filter(kind=kind, code=code).first()
        if row is None:
            return None
        old = _plain(model_to_dict(row, fields=MAPPED_FIELDS))
        row.delete()
        return MappingChange.objects.create(kind=kind, code=code, old=old, new=None, **_who(user))


def save_settings(*, user, **values) -> MappingChange | None:
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise InvalidMapping(f"Unknown settings: {', '.join(sorted(unknown))}.")
    with transaction.atomic(durable=True):
        row = _lock()
        old = model_to_dict(row, fields=SETTINGS_FIELDS)
        new = {**old, **values}
        if old == new:
            return None
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        return MappingChange.objects.create(kind=SETTINGS, code="", old=_plain(old),
                                            new=_plain(new), **_who(user))


@dataclass(frozen=True)
class Seen:
    """What the user was shown when asking to post: the journal's digest and mapping version."""

    digest: str
    mapping_version: int


def post_journal(*, user, selection: ledger.Selection, seen: Seen) -> Posting:
    """Mark as posted what the selection's journal shows unposted — exactly what the user saw."""
    with transaction.atomic(durable=True):
        _lock()  # one posting at a time: the second of two finds nothing left
        mappings = current()
        changed = ledger.subtract(ledger.facts(selection, per_line=True),
                                  posted_facts(selection, per_line=True))
        if not changed:
            raise NothingToPost()
        on_day = local_time(selection.until).date() if selection.cashup_id is not None else None
        journal = build(ledger.unkeyed(changed), mappings, on_day=on_day,
                        reference=reference(selection, mappings.settings.reference_prefix))
        if journal.digest != seen.digest or mappings.version != seen.mapping_version:
            raise JournalChanged()
        if not journal.balanced:  # the builder's invariant: a bug, never posted
            raise AssertionError("an unbalanced journal")
        return _record(user, selection, journal, changed)


def _record(user, selection, journal, changed: dict) -> Posting:
    codes = library_codes(user)
    who = _who(user)
    posting = Posting.objects.create(
        posted_by=who["changed_by"], posted_by_name=who["changed_by_name"],
        mapping_version=journal.mapping_version, first_day=selection.days.first,
        last_day=selection.days.last, cashup_id=selection.cashup_id,
        libraries=",".join(sorted(codes)) if codes is not None else "",
        digest=journal.digest, total=journal.total_debit, line_count=len(journal.lines))
    PostedLine.objects.bulk_create(
        [PostedLine(posting=posting, position=i, **line.cells())
         for i, line in enumerate(journal.lines)], batch_size=1000)
    PostedFact.objects.bulk_create(
        [PostedFact(posting=posting, accountlines_id=k.accountlines_id, register_id=k.register_id,
                    amount=amount, **k.key._asdict()) for k, amount in changed.items()],
        batch_size=2000)
    return posting
