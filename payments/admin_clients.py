"""Admins for kohapay's own records: API clients and intakes — superusers only.

A client's secret is generated when it is added (or rotated) and shown once in a message; only
its hash is kept. Clients are deactivated, never deleted: their intakes keep pointing at them.
A Koha API key's client appears on its first token (or ``manage.py api_key_scope``); here its
narrowing is set and it can be deactivated in kohapay — its key, owner and secret are Koha's.
"""
from django import forms
from django.contrib import admin, messages
from oauth2_provider.generators import generate_client_secret

from payments.models import ApiClient, Intake
from payments.services.clients import (
    ClientConfigurationError,
    new_application,
    rotate_client_secret,
    set_client_active,
)


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
        if not libraries and not self.instance.is_koha_key:
            self.add_error("libraries", "A kohapay client needs at least one library.")
        strays = [r for r in cleaned.get("registers") or [] if r.library_id not in libraries]
        if strays and libraries:  # a Koha key's narrowing may name registers alone
            raise forms.ValidationError(
                "Every register must belong to one of the client's libraries: "
                + ", ".join(str(r) for r in strays)
            )
        return cleaned


@admin.register(ApiClient)
class ApiClientAdmin(SuperuserOnlyAdmin):
    form = ApiClientForm
    list_display = ["name", "kind", "active", "staff_patron_id", "library_codes", "client_id",
                    "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "application__client_id", "koha_client_id"]
    raw_id_fields = ["staff_patron"]
    filter_horizontal = ["libraries", "registers", "debit_types"]
    actions = ["rotate_secret"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_koha_key:  # the key and its owner are Koha's
            return ["kind", "client_id", "staff_patron", "created_at"]
        return ["client_id", "created_at"]

    @admin.display(description="kind")
    def kind(self, obj):
        return "Koha API key" if obj.is_koha_key else "kohapay client"

    @admin.display(description="client_id")
    def client_id(self, obj):
        if obj.is_koha_key:
            return obj.koha_client_id
        return obj.application.client_id if obj.application_id else "(generated on save)"

    @admin.display(description="libraries")
    def library_codes(self, obj):
        codes = ", ".join(obj.libraries.values_list("branchcode", flat=True))
        return codes or ("(its owner's, as in Koha)" if obj.is_koha_key else "")

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
            try:
                credentials = rotate_client_secret(client)
            except ClientConfigurationError as exc:  # a Koha API key: Koha makes its secret
                messages.error(request, str(exc))
                continue
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

    list_display = ["id", "client", "kind", "patron_id", "payment_id", "debit_id", "external_id",
                    "idempotency_key", "created_at"]
    list_filter = ["client", "kind"]
    search_fields = ["external_id", "idempotency_key", "=patron_id", "=payment_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]
