"""REST API routes (mounted under /api/v1/). Paths follow Koha's own API: no trailing slash."""
from django.urls import path

from payments.oauth import KohaTokenView

app_name = "payments"
urlpatterns = [
    path("oauth/token", KohaTokenView.as_view(), name="token"),
]
