"""Admin helpers shared by the apps, and the admin of core's own Koha staff links."""
from datetime import UTC

from django.contrib import admin
from django.utils import timezone

from core.models import KohaStaffLink
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


@admin.register(KohaStaffLink)
class KohaStaffLinkAdmin(ReadOnlyAdmin):
    """Made by Koha staff logins only (``core.staff_login``): a link edited by hand could point a
    Django user at another patron. To cut one, deactivate or delete the user."""

    list_display = ["userid", "borrowernumber", "user"]
    search_fields = ["userid", "=borrowernumber", "user__username"]
    list_select_related = ["user"]
    ordering = ["userid"]
