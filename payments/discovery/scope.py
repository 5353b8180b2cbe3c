"""The client's scope on the discovery routes (``payments.discovery``), decided exactly as the
intake decides it: the libraries and registers come from the intake's own rule
(``payments.services.rules.allowed_places``, reused, not copied) — a kohapay client's
libraries; a Koha API key's owner where Koha lets them log in (``can_log_into``: any library, unless
``IndependentBranches``), narrowed by the key's libraries; the registers a client is limited to,
if any — and a client limited to some debit types sees only those. Read in one query with the
preferences and what the request asked about (a library, a patron). No writes here.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import CharField, Exists, F, IntegerField, OuterRef, Value

from koha.identity.api_keys import KeyOwner
from koha.models import CashRegister, DebitType, Library, Patron, SystemPreference
from payments import exceptions as err
from payments.models import ApiClient
from payments.pagination import default_page_size
from payments.selectors import PREFERENCE_DEFAULTS, ClientScope
from payments.services.rules import Places
from payments.services.rules import allowed_places

PREFERENCES = ("IndependentBranches", "RESTdefaultPageSize")


@dataclass(frozen=True)
class DiscoveryScope:
    """Where the client may act, and the two things a request asked about."""

    places: Places
    debit_types: frozenset[str]  # empty: every type
    page_size: int  # RESTdefaultPageSize
    library: str | None  # the asked library as Koha spells it; None: not asked, or no such
    patron_library: str | None  # the asked patron's home library; None: not asked, or no such


def discovery_scope(*, client: ApiClient, owner: KeyOwner | None,
                    library_id: str | None = None,
                    patron_id: int | None = None) -> DiscoveryScope:
    """The client's scope, the preferences, the asked library and patron: one query."""
    rows = defaultdict(list)
    for kind, code, value, number in _scope_rows(client.pk, library_id, patron_id):
        rows[kind].append((code, value, number))
    prefs = {**PREFERENCE_DEFAULTS, "RESTdefaultPageSize": None,
             **{code: value for code, value, _ in rows["pref"]}}
    scope = ClientScope(
        libraries=frozenset(code for code, _, _ in rows["client_library"]),
        registers=frozenset(number for _, _, number in rows["client_register"]),
        debit_types=frozenset(code for code, _, _ in rows["client_debit_type"]),
    )
    independent = (prefs["IndependentBranches"] or "").strip() not in {"", "0"}  # Perl's truth
    facts = _ScopeFacts(scope=scope, preferences=_Preferences(independent_branches=independent))
    return DiscoveryScope(
        places=allowed_places(facts, owner), debit_types=scope.debit_types,
        page_size=default_page_size(prefs["RESTdefaultPageSize"]),
        library=next((code for code, _, _ in rows["library"]), None),
        patron_library=next((code for code, _, _ in rows["patron"]), None),
    )


@dataclass(frozen=True)
class _Preferences:
    independent_branches: bool


@dataclass(frozen=True)
class _ScopeFacts:
    """What the intake's rule reads of an intake's references (``IntakeReferences``)."""

    scope: ClientScope
    preferences: _Preferences


def _scope_rows(client_id: int, library_id: str | None, patron_id: int | None):
    """Rows (kind, code, value, number) of one ``UNION ALL``. The client's scope is read from
    Koha's side — Koha's libraries, registers and types that the client lists — so a deleted
    one is out of scope, as the intake's read joins them (and a client whose every listed
    register was deleted is limited to none, as there); and every text comes from Koha's own
    columns, so the union never mixes collations."""
    through = ApiClient.libraries.through.objects.filter(apiclient_id=client_id)
    libraries = Library.objects.filter(Exists(through.filter(library_id=OuterRef("pk"))))
    through = ApiClient.registers.through.objects.filter(apiclient_id=client_id)
    registers = CashRegister.objects.filter(Exists(through.filter(cashregister_id=OuterRef("pk"))))
    through = ApiClient.debit_types.through.objects.filter(apiclient_id=client_id)
    debit_types = DebitType.objects.filter(Exists(through.filter(debittype_id=OuterRef("pk"))))
    parts = [
        _row(libraries, "client_library", code="branchcode"),
        _row(registers, "client_register", number="id"),
        _row(debit_types, "client_debit_type", code="code"),
        _row(SystemPreference.objects.filter(variable__in=PREFERENCES), "pref",
             code="variable", value="value"),
    ]
    if library_id is not None:
        parts.append(_row(Library.objects.filter(branchcode=library_id), "library",
                          code="branchcode"))
    if patron_id is not None:
        parts.append(_row(Patron.objects.filter(pk=patron_id), "patron", code="library_id",
                          number="borrowernumber"))
    return parts[0].union(*parts[1:], all=True)


def _row(queryset, kind: str, *, code=None, value=None, number=None):
    text, integer = CharField(), IntegerField()
    return queryset.annotate(
        row_kind=Value(kind, output_field=text),
        row_code=F(code) if code else Value(None, output_field=text),
        row_value=F(value) if value else Value(None, output_field=text),
        row_number=F(number) if number else Value(None, output_field=integer),
    ).values_list("row_kind", "row_code", "row_value", "row_number")


def asked_library(scope: DiscoveryScope, library_id: str | None) -> str | None:
    """The ``library_id`` of a request, checked as the intake checks it: it exists, spelled as
    Koha spells it ('cpl' is not 'CPL': 400), and the client may act there (else 403)."""
    if library_id is None:
        return None
    if scope.library != library_id:
        raise err.UnknownLibrary(f"No library has the code '{library_id}'.")
    if not scope.places.allows(library_id):
        raise err.LibraryOutOfScope()
    return library_id
