"""The variance report page: GET only, every dashboard user (auditors first), CSV on request."""
from django.shortcuts import render

from registers import exports
from registers.access import dashboard_page
from registers.variance_pages import variance_page


@dashboard_page
def variances_page(request):
    page = variance_page(request.user, request.GET)
    if page.csv:
        return exports.variances_csv(page)
    return render(request, "registers/variances.html", page.context(),
                  status=200 if page.valid else 400)
