"""kohapay URLs: the REST API and its description under /api/v1/, the dashboard under
/registers/, login under /accounts/, the admin under /admin/."""
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="registers:overview", permanent=False)),
    path("admin/", admin.site.urls),
    path("accounts/", include("registers.auth_urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include("payments.urls")),
    path("api/v1/", include("registers.api_urls")),
    path("registers/", include("registers.urls")),
]
