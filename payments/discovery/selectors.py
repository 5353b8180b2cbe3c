"""Reads of the discovery routes (``payments.discovery``): which registers, debit types and
payment types a client may use, and what a patron owes — all within the client's scope
(``payments.discovery.scope``). No writes here.

Library limits (``account_debit_types_branches``, ``authorised_values_branches``) are Koha's
``search_with_library_limits``: a row without limits is everywhere, one with limits only at its
libraries — at the asked library, else the client's default library (a Koha key's owner's home
library, as Koha's ``userenv`` branch; a kohapay client's only library), else at any of the
client's libraries.

Each list costs three queries whatever the table sizes: the scope (one ``UNION ALL``), the
counts (``X-Base-Total-Count`` and ``X-Total-Count`` in one aggregate) and the page. The
patron's account costs two: the scope (which also finds the patron) and the outstanding lines.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q

from koha.models import (
    AccountLine,
    AuthorisedValue,
    AuthorisedValueLibrary,
    CashRegister,
    DebitType,
    DebitTypeLibrary,
)
from payments import exceptions as err
from payments.discovery.scope import DiscoveryScope
from payments.pagination import PageRequest

PAYMENT_TYPE = "PAYMENT_TYPE"


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
