"""Auditors are read-only by construction: no view they can reach accepts a write, except logging
in and out. Every route of the project is tried, with sample path arguments."""
import pytest

from koha import schema as kohaschema
from tests.factories import busy_days
from tests.helpers import every_url, table_row_counts, utc

LOGIN_LOGOUT = {"/accounts/login/", "/accounts/logout/", "/admin/login/", "/admin/logout/"}
REDIRECTS = {"/": "/registers/"}  # a plain redirect, whatever the method


def row_counts() -> dict[str, int]:
    return table_row_counts(
        kohaschema.koha_tables() + ["auth_user", "auth_group", "kohapay_library_restriction",
                                    "kohapay_cashup", "kohapay_cashup_count"])


def test_the_walk_covers_the_dashboard_the_api_and_the_admin():
    urls = every_url()
    assert {"/registers/", "/registers/1/", "/registers/1/2024-05-02/",
            "/api/v1/cash_registers/1/daily_totals"} <= set(urls)
    assert any(u.startswith("/admin/koha/accountline/") for u in urls)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_an_auditor_cannot_write_anywhere(koha, auditor_client, method):
    busy_days(koha, [utc(2024, 5, 2).date()], per_day=2)
    before = row_counts()
    accepted = []
    for url in every_url():
        if url in LOGIN_LOGOUT:
            continue
        response = getattr(auditor_client, method)(url, {"name": "x", "amount": "1.00"},
                                                   content_type="application/json")
        location = response.get("Location", "")
        harmless = response.status_code == 302 and (
            "login" in location or REDIRECTS.get(url) == location)
        if response.status_code < 400 and not harmless:
            accepted.append((url, response.status_code))
    assert accepted == [], accepted
    assert row_counts() == before
