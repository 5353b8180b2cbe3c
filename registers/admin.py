"""Admin: Koha's libraries, cash registers and cashups (read-only: Koha owns them), and the
dashboard's per-user library restrictions (kohapay's own, editable)."""
from django.contrib import admin

from core.admin import ReadOnlyAdmin, ZoneSafeDateHierarchy
from koha.models import CashRegister, CashRegisterAction, Library
from registers.models import LibraryRestriction


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
