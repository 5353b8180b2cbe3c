"""The tables of the dashboard pages, built once from the selectors and rendered twice — as HTML
and as CSV (``registers.exports``) — so an export always holds exactly what its page shows."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from koha.models import CashRegister, Library
from registers.lookups import payment_type_label
from registers.selectors import DayRange, DayTotals, RegisterFigures, Totals, sum_totals
from registers.transactions import DayLine


@dataclass(frozen=True)
class TypeColumn:
    """A per-payment-type column: the code (None: lines without one) and its staff label."""

    code: str | None
    label: str

    @property
    def csv_name(self) -> str:
        return f"by_type_{self.code or 'none'}"


def payment_type_columns(labels: dict[str, str], *totals: Totals) -> list[str | None]:
    """Columns for a table: every authorised value, then any other code found in the figures
    (unknown codes, then None for lines without a payment type)."""
    found = {code for t in totals for code, _ in t.by_payment_type}
    extra = sorted(c for c in found if c is not None and c not in labels)
    return [*labels, *extra] + ([None] if None in found else [])


def type_columns(labels: dict[str, str], *totals: Totals) -> list[TypeColumn]:
    return [
        TypeColumn(code, payment_type_label(labels, code))
        for code in payment_type_columns(labels, *totals)
    ]


@dataclass(frozen=True)
class FigureRow:
    """Totals with their per-type amounts laid out in the table's column order."""

    totals: Totals
    by_type: list[Decimal]

    @classmethod
    def of(cls, totals: Totals, columns: Sequence[TypeColumn]) -> FigureRow:
        return cls(totals, totals.for_types(c.code for c in columns))


# --- overview ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    register: CashRegister
    period: FigureRow
    since_cashup: Totals
    last_cashup: datetime | None


@dataclass(frozen=True)
class LibraryGroup:
    library: Library
    rows: list[RegisterRow]
    subtotal: FigureRow
    since_cashup: Totals


@dataclass(frozen=True)
class OverviewTable:
    days: DayRange
    columns: list[TypeColumn]
    groups: list[LibraryGroup]
    total: FigureRow
    since_cashup: Totals


def overview_table(figures: Sequence[RegisterFigures], labels: dict[str, str],
                   days: DayRange) -> OverviewTable:
    """Registers grouped by library (in the order given), library subtotals, a grand total."""
    columns = type_columns(labels, *(f.period for f in figures))
    by_library: dict[str, list[RegisterFigures]] = {}
    for f in figures:
        by_library.setdefault(f.register.library_id, []).append(f)
    groups = [_library_group(items, columns) for items in by_library.values()]
    return OverviewTable(
        days=days, columns=columns, groups=groups,
        total=FigureRow.of(sum_totals(f.period for f in figures), columns),
        since_cashup=sum_totals(f.since_cashup for f in figures),
    )


def _library_group(items: list[RegisterFigures], columns: list[TypeColumn]) -> LibraryGroup:
    rows = [
        RegisterRow(f.register, FigureRow.of(f.period, columns), f.since_cashup, f.last_cashup)
        for f in items
    ]
    return LibraryGroup(
        library=items[0].register.library, rows=rows,
        subtotal=FigureRow.of(sum_totals(f.period for f in items), columns),
        since_cashup=sum_totals(f.since_cashup for f in items),
    )


# --- register -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayRow:
    day: DayTotals
    figures: FigureRow


@dataclass(frozen=True)
class RegisterTable:
    days: DayRange
    columns: list[TypeColumn]
    rows: list[DayRow]
    total: FigureRow


def register_table(days_totals: Sequence[DayTotals], labels: dict[str, str],
                   days: DayRange) -> RegisterTable:
    columns = type_columns(labels, *(d.totals for d in days_totals))
    return RegisterTable(
        days=days, columns=columns,
        rows=[DayRow(d, FigureRow.of(d.totals, columns)) for d in days_totals],
        total=FigureRow.of(sum_totals(d.totals for d in days_totals), columns),
    )


# --- day --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayTable:
    """Every line of the day, and the day's figures as the register page computes them."""

    lines: list[DayLine]
    columns: list[TypeColumn]
    total: FigureRow


def day_table(lines: list[DayLine], totals: Totals, labels: dict[str, str]) -> DayTable:
    columns = type_columns(labels, totals)
    return DayTable(lines, columns, FigureRow.of(totals, columns))
