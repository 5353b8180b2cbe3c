"""What the dashboard lists: the registers and libraries a user may see, and the labels of
payment types (``PAYMENT_TYPE`` authorised values). The figures are in ``registers.selectors``."""
from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet
from django.http import Http404

from koha.models import AuthorisedValue, CashRegister
from registers.access import library_codes

NO_PAYMENT_TYPE = "No payment type"


def dashboard_registers(*, library_codes: set[str] | None,
                        include_archived: bool = False) -> QuerySet:
    """Registers to show, by library name then register name. ``library_codes`` are the libraries
    the user may see (None: all)."""
    registers = CashRegister.objects.select_related("library").order_by(
        "library__branchname", "library_id", "name", "id"
    )
    if library_codes is not None:
        registers = registers.filter(library_id__in=library_codes)
    if not include_archived:
        registers = registers.filter(archived=False)
    return registers


def visible_register(user, register_id: int) -> CashRegister:
    """A register the user may see, archived or not — for every page, export and API call;
    any other id is a 404, as if the register did not exist."""
    register = (
        dashboard_registers(library_codes=library_codes(user), include_archived=True)
        .filter(pk=register_id).first()
    )
    if register is None:
        raise Http404("No such register.")
    return register


def registers_shown(registers: Sequence[CashRegister], *, include_archived: bool,
                    library: str | None) -> list[CashRegister]:
    """The overview's filters applied to the registers a user may see (read once for the
    library choices and the table: one query less than asking the database twice)."""
    return [r for r in registers if (include_archived or not r.archived)
            and (not library or r.library_id == library)]


def payment_type_labels() -> dict[str, str]:
    """PAYMENT_TYPE authorised values, code → staff label, ordered by label as Koha does."""
    values = AuthorisedValue.objects.filter(category="PAYMENT_TYPE").order_by("lib", "id")
    return {v.authorised_value: v.lib or v.authorised_value for v in values}


def payment_type_label(labels: dict[str, str], code: str | None) -> str:
    """A payment type's staff label; an unknown code as itself; lines without one say so."""
    return labels.get(code) or code or NO_PAYMENT_TYPE


def libraries_of(registers: Sequence[CashRegister]) -> list[tuple[str, str]]:
    """(branchcode, name) of the libraries of these registers, in their order (from
    ``dashboard_registers``: by library name, then code)."""
    libraries: dict[str, str] = {}
    for register in registers:
        libraries.setdefault(register.library_id, register.library.branchname)
    return list(libraries.items())
