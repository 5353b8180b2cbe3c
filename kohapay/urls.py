"""kohapay URLs: the REST API and its description under /api/v1/, the dashboard under
/registers/ (the finance journal under /registers/journal/), login under /accounts/, the admin under /admin/, the load balancers' /healthz.
Unknown paths and server errors under /api/ answer in Koha's JSON error shape."""
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.health import healthz

# Admin pages of Koha's tables moved with their models from the payments and registers apps to
# koha (issue 13): bookmarks of the old addresses still lead there.
KOHA_ADMIN_MOVED = {
    "payments": {"accountline", "accountoffset", "actionlog", "authorisedvalue",
                 "authorisedvaluecategory", "credittype", "debittype", "patron",
                 "systempreference"},
    "registers": {"library", "cashregister", "cashregisteraction"},
}


def moved_admin_page(request, model, rest=""):
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"/admin/koha/{model}/{rest}" + (f"?{query}" if query else ""), permanent=True)


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="registers:overview", permanent=False)),
    path("healthz", healthz, name="healthz"),
    *(re_path(rf"^admin/{app}/(?P<model>{'|'.join(sorted(models))})/(?P<rest>.*)$",
              moved_admin_page) for app, models in KOHA_ADMIN_MOVED.items()),
    # One login page for the dashboard and the admin: the only one that takes Koha staff logins
    # (a superlibrarian's way into the admin) and counts attempts against the rate limit.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("accounts/", include("registers.auth_urls")),
    # The API's description is public and reads no data: not rate-limited (no database use).
    path("api/v1/schema/", SpectacularAPIView.as_view(throttle_classes=[]), name="schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="schema", throttle_classes=[]),
         name="api-docs"),
    path("api/v1/", include("payments.urls")),
    path("api/v1/", include("payments.cashups.urls")),
    path("api/v1/", include("registers.api_urls")),
    path("api/v1/", include("journal.api_urls")),
    path("registers/journal/", include("journal.urls")),
    path("registers/", include("registers.urls")),
]

handler404 = "core.errors.not_found"
handler500 = "core.errors.server_error"
