"""Dashboard pages: read the filters, ask the selectors, render one table as HTML or as CSV.

Every page is GET-only and goes through ``access.dashboard_page``; every register lookup goes
through the user's library restriction (a register the user may not see is a 404, as if it did
not exist). The number of queries of each page is fixed, whatever the registers, days or lines.
"""
from datetime import date, timedelta

from django.http import Http404
from django.shortcuts import render

from koha.models import CashRegister
from registers import exports
from registers.access import dashboard_page, library_codes
from registers.cashups import cashup_history
from registers.charts import daily_net_chart, share_bars
from registers.display import day_rows
from registers.forms import DayFilterForm, OverviewFilterForm, RegisterFilterForm
from registers.lookups import (
    dashboard_registers,
    libraries_of,
    payment_type_labels,
    registers_shown,
)
from registers.recency import Recency
from registers.selectors import (
    ZERO,
    DayRange,
    daily_totals,
    income_by_debit_type,
    local_today,
    overview,
)
from registers.tables import day_table, overview_table, register_table
from registers.transactions import day_lines, day_totals

CASHUPS_SHOWN = 40  # a year of daily cashups would be a long table and a long read


def _invalid(request, template: str, context: dict):
    """The page with the filter errors and nothing else: 400, nothing guessed."""
    return render(request, template, {**context, "invalid": True}, status=400)


def _visible_register(user, register_id: int) -> CashRegister:
    register = (
        dashboard_registers(library_codes=library_codes(user), include_archived=True)
        .filter(pk=register_id).first()
    )
    if register is None:
        raise Http404("No such register.")
    return register


@dashboard_page
def overview_page(request):
    visible = list(dashboard_registers(library_codes=library_codes(request.user),
                                       include_archived=True))
    labels = payment_type_labels()
    form = OverviewFilterForm(request.GET, payment_types=labels, libraries=libraries_of(visible))
    context = {"form": form, "labels": labels, "today": local_today()}  # no "next day" after it
    if not form.is_valid():
        return _invalid(request, "registers/overview.html", context)
    f = form.cleaned_data
    registers = registers_shown(visible, include_archived=f["archived"],
                                library=f["library"] or None)
    figures = overview(registers, f["days"], f["payment_type"] or None, recency=Recency.current())
    table = overview_table(figures, labels, f["days"])
    if f["format"] == "csv":
        return exports.overview_csv(table, f["library"] or None)
    return render(request, "registers/overview.html", {
        **context, "table": table, "days": f["days"], **_day_steps(f["days"]),
    })


def _day_steps(days: DayRange) -> dict:
    """Previous/next day links of a one-day overview."""
    if days.first != days.last:
        return {}
    one_day = timedelta(days=1)
    return {"previous_day": days.first - one_day, "next_day": days.first + one_day}


@dashboard_page
def register_page(request, register_id: int):
    register = _visible_register(request.user, register_id)
    labels = payment_type_labels()
    form = RegisterFilterForm(request.GET, payment_types=labels)
    context = {"form": form, "register": register, "labels": labels}
    if not form.is_valid():
        return _invalid(request, "registers/register.html", context)
    days, payment_type = form.cleaned_data["days"], form.cleaned_data["payment_type"] or None
    recency = Recency.current()
    daily = daily_totals(register.id, days, payment_type, recency=recency)
    table = register_table(daily, labels, days)
    if form.cleaned_data["format"] == "csv":
        return exports.register_csv(register, table)
    by_debit_type = income_by_debit_type(register.id, days, payment_type, recency=recency)
    return render(request, "registers/register.html", {
        **context, "table": table, "days": days, "chart": daily_net_chart(daily),
        "by_debit_type": by_debit_type,
        "by_payment_type": share_bars(
            [(c.label, a) for c, a in zip(table.columns, table.total.by_type) if a]
        ),
        "not_applied": table.total.totals.income - sum((t.total for t in by_debit_type), ZERO),
        "cashups": cashup_history(register.id, days, labels, limit=CASHUPS_SHOWN,
                                  recency=recency),
        "cashups_shown": CASHUPS_SHOWN,
    })


@dashboard_page
def day_page(request, register_id: int, day: date):
    register = _visible_register(request.user, register_id)
    labels = payment_type_labels()
    form = DayFilterForm(request.GET, payment_types=labels)
    context = {
        "form": form, "register": register, "labels": labels, "day": day,
        "previous_day": day - timedelta(days=1), "next_day": day + timedelta(days=1),
        "today": local_today(),
    }
    if not form.is_valid():
        return _invalid(request, "registers/day.html", context)
    payment_type = form.cleaned_data["payment_type"] or None
    days = DayRange.single(day)
    lines = day_lines(register.id, day, payment_type)
    table = day_table(lines, day_totals(lines), labels)
    if form.cleaned_data["format"] == "csv":
        return exports.day_csv(register, days, table)
    return render(request, "registers/day.html", {
        **context, "table": table, "days": days, "rows": day_rows(table.lines, labels),
    })
