"""Admins for kohapay's own records: API clients and intakes (filled in with issue 3)."""
