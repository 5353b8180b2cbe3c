"""Read-only admins for Koha's ledger tables (filled in with the dashboard, issue 4)."""
