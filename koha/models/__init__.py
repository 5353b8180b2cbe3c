"""Koha's tables, mapped as unmanaged models: Koha owns them, kohapay never creates, alters or
migrates them, and writes their rows only as Koha itself would (see ``koha.recipes``).

A module per area: ``patrons`` (borrowers), ``registers`` (branches, cash registers and their
actions), ``ledger`` (accountlines, account_offsets, the debit and credit types, statistics,
action_logs), ``preferences`` (systempreferences, authorised values), ``identity`` (api_keys, userflags,
permissions, user_permissions).
"""
from koha.models.ledger import (
    AccountLine,
    AccountOffset,
    ActionLog,
    CreditType,
    CreditTypeLibrary,
    DebitType,
    DebitTypeLibrary,
    Statistic,
)
from koha.models.identity import ApiKey, PermissionCode, UserFlag, UserPermission
from koha.models.patrons import Patron
from koha.models.preferences import (
    AuthorisedValue,
    AuthorisedValueCategory,
    AuthorisedValueLibrary,
    SystemPreference,
)
from koha.models.registers import CashRegister, CashRegisterAction, Library

__all__ = [
    "AccountLine",
    "AccountOffset",
    "ActionLog",
    "ApiKey",
    "AuthorisedValue",
    "AuthorisedValueCategory",
    "AuthorisedValueLibrary",
    "CashRegister",
    "CashRegisterAction",
    "CreditType",
    "CreditTypeLibrary",
    "DebitType",
    "DebitTypeLibrary",
    "Library",
    "Patron",
    "PermissionCode",
    "Statistic",
    "SystemPreference",
    "UserFlag",
    "UserPermission",
]
