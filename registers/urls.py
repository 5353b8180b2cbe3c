"""Dashboard routes (mounted under /registers/)."""
from django.urls import path, register_converter

from registers import views
from registers.converters import IsoDateConverter

register_converter(IsoDateConverter, "isodate")

app_name = "registers"
urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("<int:register_id>/", views.register_page, name="register"),
    path("<int:register_id>/<isodate:day>/", views.day_page, name="day"),
]
