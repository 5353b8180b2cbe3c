"""Models of the payments app: Koha's ledger tables (unmanaged) and kohapay's own records
(API clients, intakes, rate-limit counters)."""
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
from payments.models.rate import RateCounter

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
    "RateCounter",
    "Statistic",
    "SystemPreference",
]
