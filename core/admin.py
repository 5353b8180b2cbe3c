"""Admin helpers shared by the apps."""
from datetime import UTC

from django.contrib import admin
from django.utils import timezone

from core.sql import database_knows_zone


class ReadOnlyAdmin(admin.ModelAdmin):
    """For Koha's tables: browse and search, never add, change or delete (Koha owns them)."""

    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ZoneSafeDateHierarchy:
    """Admin mixin: the date drill-down groups rows in SQL with the current zone (CONVERT_TZ).
    On a MariaDB without time zone tables that yields NULL and an empty drill-down, so the
    changelist then works in UTC days (and says so) rather than silently showing nothing."""

    def changelist_view(self, request, extra_context=None):
        zone = timezone.get_current_timezone_name()
        if database_knows_zone(zone):
            return super().changelist_view(request, extra_context)
        extra_context = {**(extra_context or {}), "subtitle": f"Dates in UTC (the database has no "
                         f"time zone tables for {zone})"}
        with timezone.override(UTC):
            response = super().changelist_view(request, extra_context)
            # A TemplateResponse renders later, outside this block: render it in UTC now.
            return response.render() if hasattr(response, "render") else response
