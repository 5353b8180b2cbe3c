"""The journal's pages, one selector each (the views only render what these return)."""
from __future__ import annotations

from dataclasses import dataclass, field, fields

from django import forms

from journal import access
from journal.forms import JournalForm, MappingForm, SettingsForm
from journal.mappings import current, journal_settings
from journal.models import CREDIT_TYPE, DEBIT_TYPE, LIBRARY, PAYMENT_TYPE, MappingChange, Posting
from journal.selectors import Report, history, posting, postings_of, report, selection_for
from koha.models import Library
from registers.access import library_codes

HISTORY_SHOWN = 100


@dataclass(frozen=True)
class JournalPage:
    form: forms.Form
    report: Report | None = None
    postings: list[Posting] = field(default_factory=list)
    recent: list[Posting] = field(default_factory=list)
    can_post: bool = False
    error: str | None = None

    @property
    def valid(self) -> bool:
        return self.report is not None

    @property
    def file_format(self) -> str:
        return self.form.cleaned_data["format"] if self.valid else "page"

    def context(self) -> dict:
        context = {f.name: getattr(self, f.name) for f in fields(self)}
        if self.report is not None:
            context.update(journal=self.report.journal, selection=self.report.selection,
                           settings=self.report.mappings.settings)
        return context if self.valid else {**context, "invalid": True}


def journal_page(user, query, *, error: str | None = None) -> JournalPage:
    form = JournalForm(query)
    if not form.is_valid():
        return JournalPage(form)
    data = form.cleaned_data
    selection = selection_for(user, days=data["days"], cashup_id=data.get("cashup"))
    found = report(selection, view=data["view"])
    if data["format"] != "page":
        return JournalPage(form, found)
    return JournalPage(form, found, postings=postings_of(selection), recent=history(user, limit=10),
                       can_post=access.can_post(user), error=error)


@dataclass(frozen=True)
class Row:
    kind: str
    code: str
    label: str
    mapping: object | None


@dataclass(frozen=True)
class MappingsPage:
    mapping_form: forms.Form
    settings_form: forms.Form
    rows: dict[str, list[Row]]
    changes: list[MappingChange]
    version: int
    can_change: bool

    def context(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def mappings_page(user, query=None, *, mapping_form=None, settings_form=None) -> MappingsPage:
    """Every code Koha knows, with its mapping (or the default), and the history of changes.
    ``?kind=&code=`` (a row's "Edit") fills the form with that code's mapping."""
    mappings = current()
    if mapping_form is None:
        mapping_form = MappingForm(initial=_initial(mappings, query or {}))
    codes = library_codes(user)
    libraries = Library.objects.order_by("branchname")
    if codes is not None:
        libraries = libraries.filter(branchcode__in=codes)
    known = {
        DEBIT_TYPE: mappings.labels[DEBIT_TYPE], CREDIT_TYPE: mappings.labels[CREDIT_TYPE],
        PAYMENT_TYPE: {"": "No payment type", **mappings.labels[PAYMENT_TYPE]},
        LIBRARY: dict(libraries.values_list("branchcode", "branchname")),
    }
    rows = {kind: [Row(kind, code, label or code, mappings.rows.get((kind, code)))
                   for code, label in sorted(names.items())]
            for kind, names in known.items()}
    return MappingsPage(
        mapping_form=mapping_form,
        settings_form=settings_form or SettingsForm(instance=journal_settings()),
        rows=rows, changes=list(MappingChange.objects.order_by("-id")[:HISTORY_SHOWN]),
        version=mappings.version, can_change=access.can_change_mappings(user))


def _initial(mappings, query) -> dict:
    kind, code = query.get("kind") or DEBIT_TYPE, query.get("code") or ""
    row = mappings.rows.get((kind, code))
    fields = {"account": row.account, "cost_centre": row.cost_centre, "vat_rate": row.vat_rate,
              "vat_code": row.vat_code} if row is not None else {}
    return {"kind": kind, "code": code, **fields}


@dataclass(frozen=True)
class PostingPage:
    posting: Posting
    lines: list

    def context(self) -> dict:
        return {"posting": self.posting, "lines": self.lines}


def posting_page(user, posting_id: int) -> PostingPage:
    found = posting(posting_id, user)
    return PostingPage(found, list(found.lines.all()))
