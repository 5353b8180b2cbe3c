"""REST API routes (mounted under /api/v1/)."""
app_name = "payments"
urlpatterns = []
