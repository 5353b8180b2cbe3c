"""Dashboard pages: one page selector each (``registers.pages``), rendered as HTML or as CSV.

Every page is GET-only and goes through ``access.dashboard_page``; a register the user may not
see is a 404, as if it did not exist. A page refused by its filters is the page with the errors
and nothing else: 400, nothing guessed. The number of queries of each page is fixed, whatever
the registers, days or lines.
"""
from datetime import date

from django.shortcuts import render

from registers import exports, pages
from registers.access import dashboard_page


def _render(request, template: str, page: pages.Page):
    return render(request, template, page.context(), status=200 if page.valid else 400)


@dashboard_page
def overview_page(request):
    page = pages.overview_page(request.user, request.GET)
    if page.csv:
        return exports.overview_csv(page.table, page.library)
    return _render(request, "registers/overview.html", page)


@dashboard_page
def register_page(request, register_id: int):
    page = pages.register_page(request.user, register_id, request.GET)
    if page.csv:
        return exports.register_csv(page.register, page.table)
    return _render(request, "registers/register.html", page)


@dashboard_page
def day_page(request, register_id: int, day: date):
    page = pages.day_page(request.user, register_id, day, request.GET)
    if page.csv:
        return exports.day_csv(page.register, page.days, page.table)
    return _render(request, "registers/day.html", page)
