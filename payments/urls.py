"""REST API routes (mounted under /api/v1/). Paths follow Koha's own API: no trailing slash.
Ids are matched as text and checked by the views, so a bad id gets a JSON 400, not an HTML 404."""
from django.urls import path

from payments.discovery import (
    CashRegistersView,
    DebitTypesView,
    PatronAccountView,
    PaymentTypesView,
)
from payments.sales.views import (
    PaymentRefundsView,
    RegisterSalesView,
    RegisterSaleView,
    SaleRefundsView,
)
from payments.views import PatronPaymentsView, PatronPaymentView, TokenView

app_name = "payments"
urlpatterns = [
    path("oauth/token", TokenView.as_view(), name="token"),
    # Discovery for kiosks (payments.discovery), in Koha's shapes.
    path("cash_registers", CashRegistersView.as_view(), name="cash_registers"),
    path("debit_types", DebitTypesView.as_view(), name="debit_types"),
    path("payment_types", PaymentTypesView.as_view(), name="payment_types"),
    path("patrons/<str:patron_id>/account", PatronAccountView.as_view(), name="account"),
    path("patrons/<str:patron_id>/account/payments", PatronPaymentsView.as_view(),
         name="payments"),
    path("patrons/<str:patron_id>/account/payments/<str:payment_id>",
         PatronPaymentView.as_view(), name="payment"),
    # Sales without a patron at a register (payments.sales: Koha's point of sale).
    path("cash_registers/<str:cash_register_id>/sales", RegisterSalesView.as_view(),
         name="sales"),
    path("cash_registers/<str:cash_register_id>/sales/<str:sale_id>",
         RegisterSaleView.as_view(), name="sale"),
    # Refunds through a register (payments.sales, services.refund: Koha's reduce + payout).
    path("patrons/<str:patron_id>/account/payments/<str:payment_id>/refunds",
         PaymentRefundsView.as_view(), name="payment_refunds"),
    path("cash_registers/<str:cash_register_id>/sales/<str:sale_id>/refunds",
         SaleRefundsView.as_view(), name="sale_refunds"),
]
