"""kohapay URLs: the REST API and its description under /api/v1/, the dashboard under
/registers/, login under /accounts/, the admin under /admin/, the load balancers' /healthz.
Unknown paths and server errors under /api/ answer in Koha's JSON error shape."""
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from kohapay.health import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="registers:overview", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("registers.auth_urls")),
    # The API's description is public and reads no data: not rate-limited (no database use).
    path("api/v1/schema/", SpectacularAPIView.as_view(throttle_classes=[]), name="schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="schema", throttle_classes=[]),
         name="api-docs"),
    path("api/v1/", include("payments.urls")),
    path("api/v1/", include("registers.api_urls")),
    path("registers/", include("registers.urls")),
]

handler404 = "kohapay.api_errors.not_found"
handler500 = "kohapay.api_errors.server_error"
