"""Read-only admins for Koha's ledger tables: browse and search, never add, change or delete.

Account lines are searchable by patron card number, line id and the external id a kohapay client
sent (through kohapay's intake records), and filterable by register, library, payment type and
debit/credit type, with a drill-down on ``date``. Built for millions of lines: no full COUNT of
the table per page, no DISTINCT over it for the filters.
"""
from django.contrib import admin
from django.db.models import Q

from core.admin import ReadOnlyAdmin, ZoneSafeDateHierarchy
from koha.models import (
    AccountLine,
    AccountOffset,
    ActionLog,
    AuthorisedValue,
    AuthorisedValueCategory,
    CreditType,
    DebitType,
    Patron,
    SystemPreference,
)
from payments.models import Intake


class PaymentTypeFilter(admin.SimpleListFilter):
    """PAYMENT_TYPE authorised values as choices (a DISTINCT over accountlines would scan it)."""

    title = "payment type"
    parameter_name = "payment_type"

    def lookups(self, request, model_admin):
        values = AuthorisedValue.objects.filter(category="PAYMENT_TYPE").order_by("lib")
        return [(v.authorised_value, v.lib or v.authorised_value) for v in values]

    def queryset(self, request, queryset):
        return queryset.filter(payment_type=self.value()) if self.value() else queryset


@admin.register(AccountLine)
class AccountLineAdmin(ZoneSafeDateHierarchy, ReadOnlyAdmin):
    list_display = ["accountlines_id", "date", "type_code", "amount", "amountoutstanding",
                    "payment_type", "register", "library", "patron", "manager", "description"]
    list_filter = ["register", "library", PaymentTypeFilter, "debit_type", "credit_type"]
    search_fields = ["=accountlines_id", "=patron__cardnumber"]
    search_help_text = "Line id, patron card number, or the external id of a kohapay intake."
    date_hierarchy = "date"
    list_select_related = ["patron", "manager", "register", "library"]
    ordering = ["-accountlines_id"]
    show_full_result_count = False

    @admin.display(description="Type")
    def type_code(self, obj):
        return obj.credit_type_id or obj.debit_type_id

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            payments = list(Intake.objects.filter(external_id=term)
                            .values_list("payment_id", flat=True))
            if payments:
                # The credit and every debit it paid: a charge's own debit, or a pay's debits.
                paid = AccountOffset.objects.filter(credit_id__in=payments, type="APPLY",
                                                    debit__isnull=False)
                ids = {*payments, *paid.values_list("debit_id", flat=True)}
                found = found | queryset.filter(pk__in=ids)
        return found, may_have_duplicates


@admin.register(AccountOffset)
class AccountOffsetAdmin(ZoneSafeDateHierarchy, ReadOnlyAdmin):
    list_display = ["id", "type", "amount", "credit_id", "debit_id", "created_on"]
    list_filter = ["type"]
    search_fields = ["=id", "=credit__accountlines_id", "=debit__accountlines_id"]
    search_help_text = "Offset id, or the id of the credit or debit line it links."
    date_hierarchy = "created_on"
    ordering = ["-id"]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        # Each id on its own indexed column (credit_id, debit_id): no join needed.
        term = search_term.strip()
        if term.isdigit():
            return queryset.filter(Q(pk=term) | Q(credit_id=term) | Q(debit_id=term)), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(DebitType)
class DebitTypeAdmin(ReadOnlyAdmin):
    list_display = ["code", "description", "can_be_invoiced", "can_be_sold", "default_amount",
                    "is_system", "archived", "restricts_checkouts"]
    list_filter = ["can_be_sold", "can_be_invoiced", "is_system", "archived"]
    search_fields = ["code", "description"]


@admin.register(CreditType)
class CreditTypeAdmin(ReadOnlyAdmin):
    list_display = ["code", "description", "can_be_added_manually", "credit_number_enabled",
                    "is_system", "archived"]
    list_filter = ["is_system", "archived"]
    search_fields = ["code", "description"]


@admin.register(AuthorisedValueCategory)
class AuthorisedValueCategoryAdmin(ReadOnlyAdmin):
    list_display = ["category_name", "is_system"]
    search_fields = ["category_name"]


@admin.register(AuthorisedValue)
class AuthorisedValueAdmin(ReadOnlyAdmin):
    list_display = ["category", "authorised_value", "lib", "lib_opac"]
    list_filter = ["category"]
    search_fields = ["authorised_value", "lib", "category"]


@admin.register(SystemPreference)
class SystemPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["variable", "value", "type"]
    search_fields = ["variable", "value"]


@admin.register(Patron)
class PatronAdmin(ReadOnlyAdmin):
    # Koha's password hash is not for show, even to superlibrarians (Koha's own staff interface
    # never shows it).
    exclude = ["password"]
    list_display = ["borrowernumber", "cardnumber", "surname", "firstname", "library",
                    "categorycode", "userid"]
    list_filter = ["library"]
    search_fields = ["=borrowernumber", "cardnumber", "surname", "firstname", "userid"]
    list_select_related = ["library"]
    ordering = ["surname", "firstname"]


@admin.register(ActionLog)
class ActionLogAdmin(ZoneSafeDateHierarchy, ReadOnlyAdmin):
    list_display = ["action_id", "timestamp", "user", "module", "action", "object", "interface"]
    search_fields = ["=action_id", "=object", "=user"]
    date_hierarchy = "timestamp"
    ordering = ["-action_id"]
    show_full_result_count = False
