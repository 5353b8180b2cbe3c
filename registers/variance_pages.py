"""The variance report (``/registers/variances/``, CSV too): every cashup of a range whose count
differed from what the session expected, with subtotals by register and by who cashed up — the
page an auditor opens first. Registers are the user's (``library_codes``): the same limits as
every other page. Days on which a device's own totals (``registers.settlements``) differ from the
register's are listed too. Five queries: the registers, the cashups, their counts, the devices'
reports, the lines of their days.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from koha.models import CashRegister
from registers.access import library_codes
from registers.forms import RegisterFilterForm
from registers.lookups import dashboard_registers, payment_type_labels
from registers.pages import Page
from registers.selectors import DayRange
from registers.settlements import DeviceDay, device_days
from registers.variances import ZERO, Variance, in_range


@dataclass
class Subtotal:
    """Cashups of one register or one person: how many, how many differed, the surpluses and
    deficits (each as a positive sum) and the net."""

    label: str
    cashups: int = 0
    differing: int = 0
    surplus: Decimal = ZERO
    deficit: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.surplus - self.deficit

    def add(self, variance: Variance) -> None:
        self.cashups += 1
        if variance.differing:
            self.differing += 1
        for count in variance.differing:
            if count.difference > ZERO:
                self.surplus += count.difference
            else:
                self.deficit -= count.difference


@dataclass(frozen=True)
class VarianceRow:
    variance: Variance
    register: CashRegister


@dataclass(frozen=True)
class VariancePage(Page):
    rows: list[VarianceRow] = field(default_factory=list)
    by_register: list[Subtotal] = field(default_factory=list)
    by_person: list[Subtotal] = field(default_factory=list)
    total: Subtotal | None = None
    days: DayRange | None = None
    device_days: list[DeviceDay] = field(default_factory=list)  # the days devices disagree
    registers: dict[int, CashRegister] = field(default_factory=dict)


def variance_page(user, query) -> VariancePage:
    labels = payment_type_labels()
    form = RegisterFilterForm(query, payment_types=labels)
    if not form.is_valid():
        return VariancePage(form, labels)
    days = form.cleaned_data["days"]
    registers = {r.id: r for r in dashboard_registers(library_codes=library_codes(user),
                                                      include_archived=True)}
    variances = in_range(days.start, days.end, register_ids=list(registers))
    payment_type = form.cleaned_data["payment_type"] or None
    rows = [VarianceRow(v, registers[v.register_id]) for v in variances
            if _differs(v, payment_type)]
    by_register, by_person, total = _subtotals(variances, registers)
    devices = [d for d in device_days(list(registers), days) if not d.matches
               and (payment_type is None or any(t.payment_type == payment_type and t.difference
                                                for t in d.types))]
    return VariancePage(form, labels, rows=rows, by_register=by_register, by_person=by_person,
                        total=total, days=days, device_days=devices, registers=registers)


def _differs(variance: Variance, payment_type: str | None) -> bool:
    return any(c.payment_type == payment_type or payment_type is None
               for c in variance.differing)


def _subtotals(variances, registers) -> tuple[list[Subtotal], list[Subtotal], Subtotal]:
    per_register: dict[int, Subtotal] = {}
    per_person: dict[str, Subtotal] = defaultdict(lambda: Subtotal(""))
    total = Subtotal("All cashups")
    for variance in variances:
        register = registers[variance.register_id]
        per_register.setdefault(register.id, Subtotal(
            f"{register.name} ({register.library_id})")).add(variance)
        person = per_person[variance.recorded_by]
        person.label = variance.recorded_by
        person.add(variance)
        total.add(variance)
    ordered = sorted(per_register.values(), key=lambda s: s.label)
    return ordered, sorted(per_person.values(), key=lambda s: s.label), total
