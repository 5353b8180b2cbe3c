"""Dashboard routes (mounted under /registers/)."""
from django.urls import path
from django.views.generic import TemplateView

app_name = "registers"
urlpatterns = [
    path("", TemplateView.as_view(template_name="registers/overview.html"), name="overview"),
]
