"""Journal routes (mounted under /registers/journal/)."""
from django.urls import path

from journal import views

app_name = "journal"
urlpatterns = [
    path("", views.journal_view, name="journal"),
    path("post/", views.post_view, name="post"),
    path("mappings/", views.mappings_view, name="mappings"),
    path("mappings/change/", views.change_mapping_view, name="change-mapping"),
    path("settings/", views.change_settings_view, name="change-settings"),
    path("postings/<int:posting_id>/", views.posting_view, name="posting"),
]
