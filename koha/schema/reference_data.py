"""Koha's mandatory reference rows (what Koha's installer seeds), for test and demo databases.

Sources, as summarised in the shared spec: ``mandatory/account_debit_types.sql``,
``mandatory/account_credit_types.sql``, ``mandatory/auth_val_cat.sql``, ``en/mandatory/auth_values.yml``,
``mandatory/userflags.sql``, ``mandatory/userpermissions.sql`` (the modules kohapay asks about)
and the accounting and login preferences of ``mandatory/sysprefs.sql``. kohapay never writes these into a
real Koha database: Koha's installer already did.
"""
from koha.identity.preferences import DEFAULTS as IDENTITY_DEFAULTS
from koha.recipes.pay import LOST_RETURNED_DEFAULT
from koha.models import (
    AuthorisedValue,
    AuthorisedValueCategory,
    CreditType,
    DebitType,
    PermissionCode,
    SystemPreference,
    UserFlag,
)

# code, description, can_be_invoiced, is_system
KOHA_DEBIT_TYPES = [
    ("ACCOUNT", "Account creation fee", False, True),
    ("ACCOUNT_RENEW", "Account renewal fee", False, True),
    ("ARTICLE_REQUEST", "Article request fee", False, True),
    ("LOST", "Lost item", True, True),
    ("MANUAL", "Manual fee", True, False),
    ("NEW_CARD", "New card fee", True, True),
    ("OVERDUE", "Overdue fine", False, True),
    ("PROCESSING", "Lost item processing fee", False, True),
    ("PAYOUT", "Payment from library to patron", False, True),
    ("RENT", "Rental fee", False, True),
    ("RENT_DAILY", "Daily rental fee", False, True),
    ("RENT_DAILY_RENEW", "Renewal of daily rental item", False, True),
    ("RENT_RENEW", "Renewal of rental item", False, True),
    ("RESERVE", "Hold fee", False, True),
    ("RESERVE_EXPIRED", "Hold waiting too long", False, True),
    ("VOID", "Credit has been voided", False, True),
]

# code, description, can_be_added_manually
KOHA_CREDIT_TYPES = [
    ("PAYMENT", "Payment", False),
    ("WRITEOFF", "Writeoff", False),
    ("FORGIVEN", "Forgiven", True),
    ("CREDIT", "Credit", True),
    ("REFUND", "A refund applied to a patrons fine", False),
    ("LOST_FOUND", "Lost item fee refund", False),
    ("DISCOUNT", "A discount applied to a patrons fine", False),
    ("OVERPAYMENT", "Overpayment refund", False),
    ("PURCHASE", "Purchase", False),
    ("CANCELLATION", "Cancelled charge", False),
    ("PROCESSING_FOUND", "Lost item processing fee refund", False),
]

# authorised_value, lib
KOHA_PAYMENT_TYPES = [
    ("CASH", "Cash"),
    ("SIP00", "Cash via SIP2"),
    ("SIP01", "Visa via SIP2"),
    ("SIP02", "Creditcard via SIP2"),
]

# bit, flag, defaulton — every module of Koha's userflags.sql (bits 7 and 8 are unused).
KOHA_USERFLAGS = [
    (0, "superlibrarian"), (1, "circulate"), (2, "catalogue"), (3, "parameters"), (4, "borrowers"),
    (5, "permissions"), (6, "reserveforothers"), (9, "editcatalogue"), (10, "updatecharges"),
    (11, "acquisition"), (12, "suggestions"), (13, "tools"), (14, "editauthorities"),
    (15, "serials"), (16, "reports"), (17, "staffaccess"), (18, "coursereserves"), (19, "plugins"),
    (20, "lists"), (21, "clubs"), (22, "ill"), (23, "self_check"), (24, "stockrotation"),
    (25, "cash_management"), (26, "problem_reports"), (27, "recalls"), (28, "erm"),
    (29, "loggedinlibrary"), (30, "preservation"), (31, "sip2"), (32, "debug"),
]

# module_bit, code — the sub-permissions of the modules kohapay's rules name (userpermissions.sql).
KOHA_PERMISSIONS = [
    (3, "manage_cash_registers"), (3, "manage_accounts"),
    (4, "edit_borrowers"), (4, "view_borrower_infos_from_any_libraries"), (4, "delete_borrowers"),
    (10, "remaining_permissions"), (10, "manual_credit"), (10, "manual_invoice"),
    (10, "writeoff"), (10, "discount"), (10, "refund"), (10, "payout"),
    (13, "edit_news"), (13, "label_creator"), (13, "export_catalog"),
    (25, "cashup"), (25, "anonymous_refund"), (25, "takepayment"),
]

# Koha's defaults for the preferences read on the payment paths (spec §2.7) and by the identity
# rules (koha-identity.md §1.4, §2.3).
KOHA_PREFERENCES = {
    "UseCashRegisters": "0",
    "RequireCashRegister": "0",
    "RequirePaymentType": "0",
    "FinesLog": "1",
    "AccountAutoReconcile": "0",
    "AutoCreditNumber": "",
    "UseEmailReceipts": "0",
    "EnablePointOfSale": "0",
    "RoundFinesAtPayment": "0",
    "RenewAccruingItemWhenPaid": "0",
    "MarkLostItemsAsReturned": LOST_RETURNED_DEFAULT,
    **IDENTITY_DEFAULTS,
}


def install_reference_data(preferences: dict[str, str] | None = None) -> None:
    """Insert Koha's mandatory accounting rows; ``preferences`` override Koha's defaults."""
    DebitType.objects.bulk_create(
        DebitType(code=code, description=label, can_be_invoiced=invoiced, is_system=system)
        for code, label, invoiced, system in KOHA_DEBIT_TYPES
    )
    CreditType.objects.bulk_create(
        CreditType(code=code, description=label, can_be_added_manually=manual, is_system=True)
        for code, label, manual in KOHA_CREDIT_TYPES
    )
    AuthorisedValueCategory.objects.create(category_name="PAYMENT_TYPE", is_system=False)
    AuthorisedValue.objects.bulk_create(
        AuthorisedValue(category="PAYMENT_TYPE", authorised_value=value, lib=label, lib_opac=label)
        for value, label in KOHA_PAYMENT_TYPES
    )
    UserFlag.objects.bulk_create(
        UserFlag(bit=bit, flag=flag, defaulton=0) for bit, flag in KOHA_USERFLAGS)
    PermissionCode.objects.bulk_create(
        PermissionCode(module_bit=bit, code=code) for bit, code in KOHA_PERMISSIONS)
    values = {**KOHA_PREFERENCES, **(preferences or {})}
    SystemPreference.objects.bulk_create(
        SystemPreference(variable=name, value=value, type="YesNo" if value in {"0", "1"} else "Free")
        for name, value in values.items()
    )
