from django.urls import path

from tools.bench.floor_app import views

urlpatterns = [
    path("floor/intake", views.intake),
    path("floor/charge", views.charge),
    path("floor/pay", views.pay),
]
