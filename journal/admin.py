"""The journal in the admin: mappings and settings are changed through ``journal.services`` as
on the dashboard (so every change is versioned); history and postings are read-only."""
from django.contrib import admin

from core.admin import ReadOnlyAdmin
from journal import services
from journal.models import JournalSettings, Mapping, MappingChange, PostedLine, Posting


@admin.register(Mapping)
class MappingAdmin(admin.ModelAdmin):
    list_display = ("kind", "code", "account", "cost_centre", "vat_rate", "vat_code")
    list_filter = ("kind",)
    search_fields = ("code", "account", "cost_centre")
    actions = None

    def save_model(self, request, obj, form, change):
        if change and form.initial and (form.initial.get("kind"), form.initial.get("code")) != (
                obj.kind, obj.code):
            services.delete_mapping(user=request.user, kind=form.initial["kind"],
                                    code=form.initial["code"])
        services.save_mapping(user=request.user, kind=obj.kind, code=obj.code,
                              **{f: getattr(obj, f) for f in services.MAPPED_FIELDS})
        found = Mapping.objects.get(kind=obj.kind, code=obj.code)
        obj.pk = found.pk

    def delete_model(self, request, obj):
        services.delete_mapping(user=request.user, kind=obj.kind, code=obj.code)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(JournalSettings)
class JournalSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.save_settings(user=request.user, **{
            name: getattr(obj, name) for name in services.SETTINGS_FIELDS})


@admin.register(MappingChange)
class MappingChangeAdmin(ReadOnlyAdmin):
    list_display = ("id", "changed_at", "changed_by_name", "kind", "code", "old", "new")
    list_filter = ("kind",)


class PostedLineInline(admin.TabularInline):
    model = PostedLine
    can_delete = False
    extra = 0
    fields = ("date", "library", "cost_centre", "account", "description", "debit", "credit",
              "vat_code", "reference")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    list_display = ("id", "posted_at", "posted_by_name", "first_day", "last_day", "cashup_id",
                    "total", "mapping_version")
    inlines = [PostedLineInline]
