"""The dashboard's pages, one selector each: from the user and the query string to everything the
page's template (or its CSV) shows, as a frozen dataclass. The views only render it.

A page whose filters are invalid holds its form and nothing else (the view answers 400); a CSV
request reads only what the CSV holds. Registers the user may not see are a 404
(``lookups.visible_register``).
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.urls import reverse
from django.utils.http import urlencode

from koha.models import CashRegister
from registers.access import can_record_cashup, can_see_patrons, library_codes
from registers.cashups import CashupSummary, cashup_history
from registers.charts import Chart, Share, daily_net_chart, share_bars
from registers.forms import DayFilterForm, OverviewFilterForm, RegisterFilterForm
from registers.lookups import (
    dashboard_registers,
    libraries_of,
    payment_type_labels,
    registers_shown,
    visible_register,
)
from registers.recency import Recency
from registers.selectors import (
    ZERO,
    DayRange,
    DayTotals,
    Totals,
    TypeTotal,
    daily_totals,
    income_by_debit_type,
    local_today,
    overview,
    sum_totals,
)
from registers.tables import (
    DayTable,
    OverviewTable,
    RegisterTable,
    day_table,
    overview_table,
    register_table,
)
from registers.transactions import day_by_type, day_lines, day_totals
from registers.settlements import DeviceDay, device_days, mismatching_registers, recorded_from
from registers.variances import (
    CashupDifference,
    Variance,
    koha_variances,
    last_variances,
    variances_of,
)

CASHUPS_SHOWN = 40  # a year of daily cashups would be a long table and a long read
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Page:
    """What every page holds: its filters and the payment-type labels (code → label)."""

    form: forms.Form
    labels: dict[str, str]

    @property
    def valid(self) -> bool:
        return self.form.is_valid()

    @property
    def csv(self) -> bool:
        return self.valid and self.form.cleaned_data["format"] == "csv"

    def context(self) -> dict:
        """The template's context: every field, and ``invalid`` for a page refused by its form."""
        context = {f.name: getattr(self, f.name) for f in fields(self)}
        return context if self.valid else {**context, "invalid": True}


@dataclass(frozen=True)
class RegisterDays:
    """The JSON API's answer (``api.DailyTotalsView``): the register page's daily figures."""

    register: CashRegister
    labels: dict[str, str]
    days: DayRange
    daily: list[DayTotals]
    total: Totals
    device_days: list[DeviceDay]


def register_days(user, register_id: int, days: DayRange) -> RegisterDays:
    register = visible_register(user, register_id)
    daily = daily_totals(register.id, days)
    recorded = recorded_from((register.id, d.day, d.by_type) for d in daily)
    return RegisterDays(register, payment_type_labels(), days, daily,
                        sum_totals(d.totals for d in daily),
                        device_days([register.id], days, recorded=recorded))


@dataclass(frozen=True)
class OverviewPage(Page):
    today: date
    table: OverviewTable | None = None
    days: DayRange | None = None
    library: str | None = None
    register_url: str = ""  # a register's link with "{}" for its id (same days and type)
    previous_day: date | None = None  # one-day overviews only
    next_day: date | None = None
    variances: dict[int, CashupDifference] | None = None  # register → its last cashup's variance
    mismatches: dict[int, list[date]] | None = None  # register id → days devices disagree


def overview_page(user, query) -> OverviewPage:
    visible = list(dashboard_registers(library_codes=library_codes(user), include_archived=True))
    labels = payment_type_labels()
    form = OverviewFilterForm(query, payment_types=labels, libraries=libraries_of(visible))
    page = OverviewPage(form, labels, today=local_today())  # no "next day" after today
    if not form.is_valid():
        return page
    f = form.cleaned_data
    days, library, payment_type = f["days"], f["library"] or None, f["payment_type"] or None
    registers = registers_shown(visible, include_archived=f["archived"], library=library)
    recency = Recency.current()
    figures = overview(registers, days, payment_type, recency=recency)
    return OverviewPage(
        form, labels, page.today, table=overview_table(figures, labels, days), days=days,
        library=library, register_url=_register_url(days, payment_type), **_day_steps(days),
        variances=None if page.csv else last_variances(
            {f.register.id: f.last_cashup for f in figures}),
        mismatches=None if page.csv else mismatching_registers(device_days(
            [r.id for r in registers], days, recency,
            recorded=_overview_recorded(figures, days, payment_type))),
    )


def _overview_recorded(figures, days: DayRange, payment_type: str | None):
    """A day's figures, of every payment type, are what the devices' reports are compared with:
    no second read of the lines. (A range's are not per day; one type's are not every type's.)"""
    if days.length != 1 or payment_type:
        return None
    return recorded_from((f.register.id, days.first, f.period_by_type) for f in figures)


def _day_steps(days: DayRange) -> dict:
    """Previous/next day links of a one-day overview."""
    if days.first != days.last:
        return {}
    return {"previous_day": days.first - ONE_DAY, "next_day": days.first + ONE_DAY}


def _register_url(days: DayRange, payment_type: str | None) -> str:
    """The register page's link over the same days: ``reverse`` once per table rather than per
    row (0.1–0.25 ms a call, mostly the active language looked up in thread locals)."""
    query = {"from": days.first.isoformat()} if days.first != days.last else {}
    query["to"] = days.last.isoformat()
    if payment_type:
        query["payment_type"] = payment_type
    base = reverse("registers:register", args=[0]).replace("/0/", "/{}/")
    return base + "?" + urlencode(query).replace("{", "{{").replace("}", "}}")


@dataclass(frozen=True)
class RegisterPage(Page):
    register: CashRegister
    table: RegisterTable | None = None
    days: DayRange | None = None
    chart: Chart | None = None
    by_debit_type: list[TypeTotal] | None = None
    by_payment_type: list[Share] | None = None
    not_applied: Decimal | None = None  # income not applied to a charge
    cashups: list[CashupSummary] | None = None
    cashups_shown: int = CASHUPS_SHOWN
    variances: dict[int, Variance] | None = None  # cashup id → what was counted (kohapay's)
    can_cash_up: bool = False
    device_days: list[DeviceDay] | None = None  # devices' own totals of the days


def register_page(user, register_id: int, query) -> RegisterPage:
    register = visible_register(user, register_id)
    labels = payment_type_labels()
    form = RegisterFilterForm(query, payment_types=labels)
    if not form.is_valid():
        return RegisterPage(form, labels, register, can_cash_up=can_record_cashup(user))
    days, payment_type = form.cleaned_data["days"], form.cleaned_data["payment_type"] or None
    recency = Recency.current()
    daily = daily_totals(register.id, days, payment_type, recency=recency)
    table = register_table(daily, labels, days)
    if form.cleaned_data["format"] == "csv":
        return RegisterPage(form, labels, register, table=table, days=days)
    by_debit_type = income_by_debit_type(register.id, days, payment_type, recency=recency)
    return RegisterPage(
        form, labels, register, table=table, days=days, chart=daily_net_chart(daily),
        by_debit_type=by_debit_type,
        by_payment_type=share_bars(
            [(c.label, a) for c, a in zip(table.columns, table.total.by_type) if a]
        ),
        not_applied=table.total.totals.income - sum((t.total for t in by_debit_type), ZERO),
        cashups=(cashups := cashup_history(register.id, days, labels, limit=CASHUPS_SHOWN,
                                           recency=recency)),
        variances=_variances(register.id, cashups),
        can_cash_up=can_record_cashup(user),
        device_days=device_days([register.id], days, recency, recorded=None if payment_type
                                else recorded_from((register.id, d.day, d.by_type)
                                                   for d in daily)),
    )


def _variances(register_id: int, cashups: list[CashupSummary]) -> dict[int, Variance]:
    """kohapay's counts where it recorded the cashup, else what Koha's own reconciliation lines
    say (the window of the oldest cashup starts at its ``from_date``)."""
    found = variances_of(c.cashup_id for c in cashups)
    others = {c.cashup_id for c in cashups} - set(found)
    oldest = min(cashups, key=lambda c: (c.timestamp, c.cashup_id), default=None)
    prior = oldest.from_date if oldest is not None else None
    shown = [(c.cashup_id, c.timestamp) for c in cashups]
    return {**koha_variances(register_id, shown, prior, others), **found}


@dataclass(frozen=True)
class DayPage(Page):
    register: CashRegister
    day: date
    today: date
    previous_day: date
    next_day: date
    table: DayTable | None = None
    days: DayRange | None = None
    device_days: list[DeviceDay] | None = None


def day_page(user, register_id: int, day: date, query) -> DayPage:
    register = visible_register(user, register_id)
    labels = payment_type_labels()
    form = DayFilterForm(query, payment_types=labels)
    page = DayPage(form, labels, register, day, today=local_today(),
                   previous_day=day - ONE_DAY, next_day=day + ONE_DAY)
    if not form.is_valid():
        return page
    recency = Recency.current()
    payment_type = form.cleaned_data["payment_type"] or None
    lines = day_lines(register.id, day, payment_type, patrons=can_see_patrons(user),
                      recency=recency)
    return DayPage(
        form, labels, register, day, page.today, page.previous_day, page.next_day,
        table=day_table(lines, day_totals(lines), labels), days=DayRange.single(day),
        device_days=None if page.csv else device_days(
            [register.id], DayRange.single(day), recency, recorded=None if payment_type
            else recorded_from([(register.id, day, day_by_type(lines))])),
    )
