"""The cash-up action of the dashboard: GET shows the open session and the form, POST (CSRF)
records the cashup through the one cashup service and returns to the register's page.

Only users who may record a cashup reach it (``access.can_record_cashup``): an auditor gets a
403 — no form, no write. A refusal of the service (nothing to cash up, a note required, someone
else cashed up meanwhile…) shows the page again with its sentence, 400 or 409; nothing written.
"""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from payments.cashups.exceptions import CashupError
from payments.services.cashups import record_cashup, start_cashup
from registers.access import can_record_cashup, cashup_manager_id
from registers.cashup_pages import cashup_page


def _render(request, page, status=200):
    return render(request, "registers/cashup.html", page.context(), status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cashup_view(request, register_id: int):
    if not can_record_cashup(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return _render(request, cashup_page(request.user, register_id))
    page = cashup_page(request.user, register_id, request.POST)
    if not page.form.is_valid():
        return _render(request, page, status=400)
    try:
        if request.POST.get("action") == "start":
            start_cashup(register_id=page.register.pk,
                         manager_id=cashup_manager_id(request.user))
            return redirect(reverse("registers:cashup", args=[page.register.pk]))
        result = record_cashup(
            register_id=page.register.pk, manager_id=cashup_manager_id(request.user),
            counted=page.form.counted(), note=page.form.cleaned_data["note"],
            recorded_by=request.user, seen_start=page.form.seen_start())
    except CashupError as exc:
        page = cashup_page(request.user, register_id, request.POST, error=exc.message)
        return _render(request, page, status=exc.status_code)
    return redirect(reverse("registers:register", args=[page.register.pk])
                    + f"?cashed_up={result.cashup_id}#cashup-{result.cashup_id}")
