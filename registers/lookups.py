"""What the dashboard lists: the registers and libraries a user may see, and the labels of
payment types (``PAYMENT_TYPE`` authorised values). The figures are in ``registers.selectors``."""
from __future__ import annotations

from django.db.models import QuerySet

from payments.models import AuthorisedValue
from registers.models import CashRegister, Library
from registers.selectors import Totals


def dashboard_registers(*, library_codes: set[str] | None, include_archived: bool = False,
                        library: str | None = None) -> QuerySet:
    """Registers to show, by library name then register name. ``library_codes`` are the libraries
    the user may see (None: all); ``library`` narrows to one of them."""
    registers = CashRegister.objects.select_related("library").order_by(
        "library__branchname", "library_id", "name", "id"
    )
    if library_codes is not None:
        registers = registers.filter(library_id__in=library_codes)
    if library:
        registers = registers.filter(library_id=library)
    if not include_archived:
        registers = registers.filter(archived=False)
    return registers


def payment_type_labels() -> dict[str, str]:
    """PAYMENT_TYPE authorised values, code → staff label, ordered by label as Koha does."""
    values = AuthorisedValue.objects.filter(category="PAYMENT_TYPE").order_by("lib", "id")
    return {v.authorised_value: v.lib or v.authorised_value for v in values}


def payment_type_columns(labels: dict[str, str], *totals: Totals) -> list[str | None]:
    """Columns for a table: every authorised value, then any other code found in the figures
    (unknown codes, then None for lines without a payment type)."""
    found = {code for t in totals for code, _ in t.by_payment_type}
    extra = sorted(c for c in found if c is not None and c not in labels)
    return [*labels, *extra] + ([None] if None in found else [])


def dashboard_libraries(library_codes: set[str] | None) -> list[tuple[str, str]]:
    """(branchcode, name) of the libraries that have registers the user may see."""
    libraries = Library.objects.filter(cash_registers__isnull=False).distinct()
    if library_codes is not None:
        libraries = libraries.filter(branchcode__in=library_codes)
    return [(lib.branchcode, lib.branchname) for lib in libraries.order_by("branchname", "pk")]
