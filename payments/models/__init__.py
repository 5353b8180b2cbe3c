"""Models of the payments app: Koha's ledger tables (unmanaged) and kohapay's own records."""
from payments.models.intake import ApiClient, Intake
from payments.models.koha import (
    AccountLine,
    AccountOffset,
    ActionLog,
    AuthorisedValue,
    AuthorisedValueCategory,
    AuthorisedValueLibrary,
    CreditType,
    CreditTypeLibrary,
    DebitType,
    DebitTypeLibrary,
    Patron,
    Statistic,
    SystemPreference,
)

__all__ = [
    "AccountLine",
    "AccountOffset",
    "ActionLog",
    "ApiClient",
    "AuthorisedValue",
    "AuthorisedValueCategory",
    "AuthorisedValueLibrary",
    "CreditType",
    "CreditTypeLibrary",
    "DebitType",
    "DebitTypeLibrary",
    "Intake",
    "Patron",
    "Statistic",
    "SystemPreference",
]
