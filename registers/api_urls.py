"""Register figures for tools, under /api/v1/ (staff and auditor authentication)."""
from django.urls import path

from registers.api import DailyTotalsView

app_name = "registers-api"
urlpatterns = [
    path(
        "cash_registers/<int:cash_register_id>/daily_totals", DailyTotalsView.as_view(),
        name="daily-totals",
    ),
]
