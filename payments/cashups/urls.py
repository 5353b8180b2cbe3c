"""The cashup and settlement API's routes (mounted under /api/v1/ beside ``payments.urls``):
Koha's paths, no trailing slash, ids matched as text and checked by the views (a bad id is a JSON
400)."""
from django.urls import path

from payments.cashups.views import CashRegisterCashupsView, CashupStartView, CashupView
from payments.settlements.views import SettlementsView

app_name = "cashups"
urlpatterns = [
    path("cash_registers/<str:cash_register_id>/cashups", CashRegisterCashupsView.as_view(),
         name="register-cashups"),
    path("cash_registers/<str:cash_register_id>/cashups/start", CashupStartView.as_view(),
         name="cashup-start"),
    path("cashups/<str:cashup_id>", CashupView.as_view(), name="cashup"),
    path("cash_registers/<str:cash_register_id>/settlements", SettlementsView.as_view(),
         name="settlements"),
]
