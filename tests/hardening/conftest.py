"""Fixtures of the hardening tests: the payment API's (kiosk, pay, tokens), every table an intake
could write, the ledger audit, and an empty rate-limit cache."""
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from kohapay import kohaschema
from tests.payments.conftest import kiosk, pay  # noqa: F401  (fixtures shared with the API tests)


@pytest.fixture(autouse=True)
def _empty_rate_limit_cache(request, django_db_blocker):
    """Rate-limit counters live in the database cache; committing tests would leave them behind."""
    yield
    if {"db", "transactional_db", "live_server"} & set(request.fixturenames):
        with django_db_blocker.unblock():
            cache.clear()


def all_row_counts() -> dict[str, int]:
    """Rows in every Koha table and in kohapay's own tables an intake could write."""
    tables = sorted(kohaschema.koha_tables()) + ["kohapay_intake"]
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM `{table}`")
            counts[table] = cursor.fetchone()[0]
    return counts


def ledger_is_clean() -> str:
    """Run ``manage.py verify_ledger``; its report (raises CommandError on any anomaly)."""
    from io import StringIO

    out = StringIO()
    call_command("verify_ledger", stdout=out)
    return out.getvalue()
