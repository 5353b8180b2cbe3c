"""Login and logout of the dashboard (mounted under /accounts/). Only these two: the dashboard
offers no other view that accepts a POST (no self-service password change or reset — accounts
are managed by an administrator)."""
from django.contrib.auth import views as auth_views
from django.urls import path

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
