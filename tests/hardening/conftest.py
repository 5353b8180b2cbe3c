"""Fixtures of the hardening tests: the payment API's (kiosk, pay, tokens), every table an intake
could write, and the ledger audit. (The rate limits' counters are a Django model's table, which
Django empties after each committing test like the others.)"""
import time

import pytest
from django.core.management import call_command

from koha import schema as kohaschema
from tests.payments.conftest import kiosk, pay, table_row_counts  # noqa: F401  (fixtures shared with the API tests)


@pytest.fixture
def one_minute_window():
    """Start the test early in a minute: the rate limits count in fixed, clock-aligned windows,
    and a test that expects its n+1-th request to be refused must not straddle two of them."""
    left = 60 - time.time() % 60
    if left < 15:
        time.sleep(left + 0.05)


def all_row_counts() -> dict[str, int]:
    """Rows in every Koha table and in kohapay's own tables an intake could write."""
    return table_row_counts(sorted(kohaschema.koha_tables()) + ["kohapay_intake"])


def ledger_is_clean() -> str:
    """Run ``manage.py verify_ledger``; its report (raises CommandError on any anomaly)."""
    from io import StringIO

    out = StringIO()
    call_command("verify_ledger", stdout=out)
    return out.getvalue()
