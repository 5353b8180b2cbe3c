"""Reads of the discovery routes (``payments.discovery``): which registers, debit types and
payment types a client may use, and what a patron owes. No writes here.

Every read is within the client's scope, decided exactly as the intake decides it: the libraries
and registers come from the intake's own rule (``payments.services.rules._places``, reused, not
copied): a kohapay client's libraries; a Koha API key's owner where Koha lets them log in
(``can_log_into``: any library, unless ``IndependentBranches``), narrowed by the key's libraries;
the registers a client is limited to, if any. A client limited to some debit types sees only
those. Library limits (``account_debit_types_branches``, ``authorised_values_branches``) are
Koha's ``search_with_library_limits``: a row without limits is everywhere, one with limits only
at its libraries — at the asked library, else the client's default library (a Koha key's owner's
home library, as Koha's ``userenv`` branch; a kohapay client's only library), else at any of the
client's libraries.

Each list costs three queries whatever the table sizes: the scope (one ``UNION ALL``), the
counts (``X-Base-Total-Count`` and ``X-Total-Count`` in one aggregate) and the page. The
patron's account costs two: the scope (which also finds the patron) and the outstanding lines.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import CharField, Count, Exists, F, IntegerField, OuterRef, Q, Value

from koha.identity.api_keys import KeyOwner
from koha.models import (
    AccountLine,
    AuthorisedValue,
    AuthorisedValueLibrary,
    CashRegister,
    DebitType,
    DebitTypeLibrary,
    Library,
    Patron,
    SystemPreference,
)
from payments import exceptions as err
from payments.models import ApiClient
from payments.pagination import PageRequest, default_page_size
from payments.selectors import PREFERENCE_DEFAULTS, ClientScope
from payments.services.rules import Places
from payments.services.rules import _places as intake_places  # the intake's own rule

PAYMENT_TYPE = "PAYMENT_TYPE"
PREFERENCES = ("IndependentBranches", "RESTdefaultPageSize")


@dataclass(frozen=True)
class DiscoveryScope:
    """Where the client may act, and the two things a request asked about."""

    places: Places
    debit_types: frozenset[str]  # empty: every type
    page_size: int  # RESTdefaultPageSize
    library: str | None  # the asked library as Koha spells it; None: not asked, or no such
    patron_library: str | None  # the asked patron's home library; None: not asked, or no such


@dataclass(frozen=True)
class Page:
    rows: list
    total: int  # X-Total-Count
    base_total: int  # X-Base-Total-Count


@dataclass(frozen=True)
class OutstandingLines:
    lines: list[AccountLine]
    total: Decimal


@dataclass(frozen=True)
class PatronAccount:
    """Koha's ``patron_balance``: the balance (SUM of every line's ``amountoutstanding``) and the
    outstanding debits and credits (``Koha::Account``'s ``outstanding_debits``/``_credits``)."""

    balance: Decimal
    outstanding_debits: OutstandingLines
    outstanding_credits: OutstandingLines


# --- the client's scope -------------------------------------------------------------------------
def discovery_scope(*, client: ApiClient, owner: KeyOwner | None, library_id: str | None = None,
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
        places=intake_places(facts, owner), debit_types=scope.debit_types,
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


def _within(field: str, values) -> Q:
    """``field IN values``; no condition for None (anywhere); never true for an empty set."""
    if values is None:
        return Q()
    if not values:
        return Q(pk__isnull=True)  # no row has a NULL key: nothing, but still one query
    return Q(**{f"{field}__in": sorted(values)})


def _limited(scope: DiscoveryScope, library: str | None, limits) -> Q:
    """Koha's library limits: rows without limits, or limited to the library (the asked one,
    else the client's default, else any of the client's libraries)."""
    if library is None:
        library = scope.places.default_library
    libraries = {library} if library is not None else scope.places.libraries
    if libraries is None:
        return Q()
    if not libraries:
        return Q(pk__isnull=True)
    return ~Q(Exists(limits)) | Q(Exists(limits.filter(branchcode__in=sorted(libraries))))


def _page(queryset, filters: Q, page: PageRequest, *order) -> Page:
    counts = queryset.aggregate(base=Count("pk"), total=Count("pk", filter=filters))
    rows = queryset.filter(filters).order_by(*order)
    end = None if page.limit is None else page.offset + page.limit
    return Page(rows=list(rows[page.offset:end]), total=counts["total"],
                base_total=counts["base"])


# --- the lists ----------------------------------------------------------------------------------
def cash_registers(scope: DiscoveryScope, *, library: str | None, archived: bool,
                   page: PageRequest) -> Page:
    """The registers the client may use (its libraries', or only those it is limited to), by
    id; ``library`` and ``archived`` filter them."""
    places = scope.places
    registers = CashRegister.objects.filter(_within("library_id", places.libraries))
    if places.registers:
        registers = registers.filter(id__in=sorted(places.registers))
    filters = Q(archived=archived)
    if library is not None:
        filters &= Q(library_id=library)
    return _page(registers, filters, page, "id")


def debit_types(scope: DiscoveryScope, *, library: str | None, archived: bool,
                can_be_sold: bool | None, page: PageRequest) -> Page:
    """The debit types of the client's scope, by code, available at the library."""
    types = DebitType.objects.all()
    if scope.debit_types:
        types = types.filter(code__in=sorted(scope.debit_types))
    limits = DebitTypeLibrary.objects.filter(debit_type_code=OuterRef("code"))
    filters = Q(archived=archived) & _limited(scope, library, limits)
    if can_be_sold is not None:
        filters &= Q(can_be_sold=can_be_sold)
    return _page(types, filters, page, "code")


def payment_types(scope: DiscoveryScope, *, library: str | None, page: PageRequest) -> Page:
    """The PAYMENT_TYPE authorised values available at the library, in Koha's order (its
    payment forms' ``GetAuthValueDropbox``: by ``lib``, then ``lib_opac``; then by id)."""
    values = AuthorisedValue.objects.filter(category=PAYMENT_TYPE)
    limits = AuthorisedValueLibrary.objects.filter(av_id=OuterRef("id"))
    return _page(values, _limited(scope, library, limits), page, "lib", "lib_opac", "id")


# --- a patron's account -------------------------------------------------------------------------
def patron_account(scope: DiscoveryScope, patron_id: int) -> PatronAccount:
    """Koha's ``GET /patrons/{id}/account`` for a patron of a library where the client may act
    (else, like an unknown patron, 404): every line with something outstanding, oldest first."""
    if scope.patron_library is None or not scope.places.allows(scope.patron_library):
        raise err.PatronNotFound()
    lines = list(AccountLine.objects.filter(patron_id=patron_id)
                 .filter(Q(amountoutstanding__gt=0) | Q(amountoutstanding__lt=0))
                 .order_by("accountlines_id"))
    debits = [line for line in lines if line.amount is not None and line.amount > 0
              and line.amountoutstanding > 0]
    credits = [line for line in lines if line.amount is not None and line.amount < 0
               and line.amountoutstanding < 0]
    return PatronAccount(
        balance=sum((line.amountoutstanding for line in lines), Decimal(0)),
        outstanding_debits=_outstanding(debits), outstanding_credits=_outstanding(credits),
    )


def _outstanding(lines: list[AccountLine]) -> OutstandingLines:
    return OutstandingLines(lines=lines,
                            total=sum((line.amountoutstanding for line in lines), Decimal(0)))
