"""Login and logout of the dashboard (mounted under /accounts/). Only these two: the dashboard
offers no other view that accepts a POST (no self-service password change or reset — kohapay's
accounts are managed by an administrator, Koha staff change their password in Koha)."""
from django.contrib.auth import views as auth_views
from django.urls import path

from registers.login import DashboardLoginView

urlpatterns = [
    path("login/", DashboardLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
