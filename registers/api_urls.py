"""Register figures for tools, under /api/v1/ (staff and auditor authentication)."""
app_name = "registers-api"
urlpatterns = []
