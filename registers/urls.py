"""Dashboard routes (mounted under /registers/)."""
from datetime import date

from django.urls import path, register_converter

from registers import views
from registers.cashup_views import cashup_view
from registers.variance_views import variances_page


class IsoDateConverter:
    """A local day in the path: ``yyyy-mm-dd`` (an impossible date is a 404)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)  # ValueError → no match → 404

    def to_url(self, value: date) -> str:
        return value.isoformat()


register_converter(IsoDateConverter, "isodate")

app_name = "registers"
urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("variances/", variances_page, name="variances"),
    path("<int:register_id>/", views.register_page, name="register"),
    path("<int:register_id>/<isodate:day>/", views.day_page, name="day"),
    path("<int:register_id>/cashup/", cashup_view, name="cashup"),
]
