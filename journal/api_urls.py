"""The journal for accounting systems, under /api/v1/ (dashboard users' authentication)."""
from django.urls import path

from journal.api import JournalView

app_name = "journal-api"
urlpatterns = [path("journal", JournalView.as_view(), name="journal")]
