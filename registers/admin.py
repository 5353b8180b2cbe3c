"""Admin: Koha's libraries, cash registers and cashups (read-only: Koha owns them), and the
dashboard's per-user library restrictions (kohapay's own, editable)."""
from datetime import UTC

from django.contrib import admin
from django.db import DatabaseError, connection
from django.utils import timezone

from kohapay.admin import ReadOnlyAdmin
from registers.models import CashRegister, CashRegisterAction, Library, LibraryRestriction


def database_knows_zone(name: str) -> bool:
    """Whether the database can convert to this named zone (MariaDB needs its time zone tables
    loaded — mysql_tzinfo_to_sql — which kohapay does not require)."""
    if connection.vendor != "mysql" or name == "UTC":
        return True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT CONVERT_TZ('2000-01-01 00:00:00', 'UTC', %s)", [name])
            return cursor.fetchone()[0] is not None
    except DatabaseError:
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


@admin.register(Library)
class LibraryAdmin(ReadOnlyAdmin):
    list_display = ["branchcode", "branchname"]
    search_fields = ["branchcode", "branchname"]
    ordering = ["branchname"]


@admin.register(CashRegister)
class CashRegisterAdmin(ReadOnlyAdmin):
    list_display = ["id", "name", "library", "branch_default", "starting_float", "archived"]
    list_filter = ["library", "archived"]
    search_fields = ["name", "description", "library__branchcode", "library__branchname"]
    list_select_related = ["library"]
    ordering = ["library__branchname", "name"]


@admin.register(CashRegisterAction)
class CashRegisterActionAdmin(ZoneSafeDateHierarchy, ReadOnlyAdmin):
    list_display = ["id", "code", "register", "manager", "amount", "timestamp"]
    list_filter = ["code", "register"]
    search_fields = ["=id", "register__name"]
    date_hierarchy = "timestamp"
    list_select_related = ["register", "manager"]
    ordering = ["-timestamp", "-id"]


@admin.register(LibraryRestriction)
class LibraryRestrictionAdmin(admin.ModelAdmin):
    """Limits a dashboard user to some libraries (pages, exports and the JSON API)."""

    list_display = ["user", "library_list"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["libraries"]

    @admin.display(description="Libraries")
    def library_list(self, obj):
        return ", ".join(sorted(lib.branchcode for lib in obj.libraries.all())) or "none"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").prefetch_related("libraries")
