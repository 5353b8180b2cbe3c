"""Koha's mandatory reference rows (what Koha's installer seeds), for test and demo databases.

Sources, as summarised in the shared spec: ``mandatory/account_debit_types.sql``,
``mandatory/account_credit_types.sql``, ``mandatory/auth_val_cat.sql``, ``en/mandatory/auth_values.yml``
and the accounting preferences of ``mandatory/sysprefs.sql``. kohapay never writes these into a
real Koha database: Koha's installer already did.
"""
from koha.models import (
    AuthorisedValue,
    AuthorisedValueCategory,
    CreditType,
    DebitType,
    SystemPreference,
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

# Koha's defaults for the preferences read on the payment paths (spec §2.7).
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
    values = {**KOHA_PREFERENCES, **(preferences or {})}
    SystemPreference.objects.bulk_create(
        SystemPreference(variable=name, value=value, type="YesNo" if value in {"0", "1"} else "Free")
        for name, value in values.items()
    )
