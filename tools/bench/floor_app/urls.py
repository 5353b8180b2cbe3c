from django.urls import path

from tools.bench.floor_app import views

urlpatterns = [
    path("floor/intake", views.intake),
    path("floor/charge", views.charge),
    path("floor/pay", views.pay),
    path("floor/sale", views.sale),
    path("floor/pay_debit", views.pay_debit),
]
