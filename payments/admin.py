"""Admin registrations: each module registers its own admins.

- ``admin_ledger``: Koha's ledger tables, read-only (Koha owns them).
- ``admin_clients``: kohapay's own records (API clients, intakes), superusers only.
"""
from payments import admin_clients, admin_ledger  # noqa: F401
