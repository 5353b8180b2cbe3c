"""Admins for kohapay's own records: API clients and intakes — superusers only.

A client's secret is generated when it is added (or rotated) and shown once in a message; only
its hash is kept. Clients are deactivated, never deleted: their intakes keep pointing at them.
"""
from django import forms
from django.contrib import admin, messages
from oauth2_provider.generators import generate_client_secret

from payments.models import ApiClient, Intake
from payments.services.clients import new_application, rotate_client_secret, set_client_active


class SuperuserOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


class ApiClientForm(forms.ModelForm):
    class Meta:
        model = ApiClient
        fields = ["name", "active", "staff_patron", "libraries", "registers", "debit_types"]

    def clean(self):
        cleaned = super().clean()
        libraries = {library.pk for library in cleaned.get("libraries") or []}
        strays = [r for r in cleaned.get("registers") or [] if r.library_id not in libraries]
        if strays:
            raise forms.ValidationError(
                "Every register must belong to one of the client's libraries: "
                + ", ".join(str(r) for r in strays)
            )
        return cleaned


@admin.register(ApiClient)
class ApiClientAdmin(SuperuserOnlyAdmin):
    form = ApiClientForm
    list_display = ["name", "active", "staff_patron_id", "library_codes", "client_id",
                    "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "application__client_id"]
    raw_id_fields = ["staff_patron"]
    filter_horizontal = ["libraries", "registers", "debit_types"]
    readonly_fields = ["client_id", "created_at"]
    actions = ["rotate_secret"]

    @admin.display(description="client_id")
    def client_id(self, obj):
        return obj.application.client_id if obj.application_id else "(generated on save)"

    @admin.display(description="libraries")
    def library_codes(self, obj):
        return ", ".join(obj.libraries.values_list("branchcode", flat=True))

    def save_model(self, request, obj, form, change):
        if not change:
            secret = generate_client_secret()
            obj.application = new_application(obj.name, secret)
            super().save_model(request, obj, form, change)
            self._show_secret(request, obj.application.client_id, secret)
            return
        super().save_model(request, obj, form, change)
        if "active" in form.changed_data:
            set_client_active(obj, obj.active)  # deactivating also revokes its tokens

    @admin.action(description="Rotate the secret (shown once; old tokens revoked)")
    def rotate_secret(self, request, queryset):
        for client in queryset:
            credentials = rotate_client_secret(client)
            self._show_secret(request, credentials.client_id, credentials.client_secret)

    def _show_secret(self, request, client_id, secret):
        messages.warning(
            request,
            f"client_id: {client_id} — client_secret: {secret} — copy the secret now: it is "
            "stored hashed and will not be shown again.",
        )


@admin.register(Intake)
class IntakeAdmin(SuperuserOnlyAdmin):
    """Read-only: intakes are written by the payment service only."""

    list_display = ["id", "client", "patron_id", "payment_id", "debit_id", "external_id",
                    "idempotency_key", "created_at"]
    list_filter = ["client"]
    search_fields = ["external_id", "idempotency_key", "=patron_id", "=payment_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]
