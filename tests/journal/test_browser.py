"""A finance user in a real browser (Debian's Chromium, Playwright): maps a debit type, exports
the day's journal as CSV, marks it posted; the journal then has nothing left to post."""
import csv
import io
import os
import re
from decimal import Decimal as D

import pytest

from demo.users import create_demo_users
from journal.models import MappingChange, Posting
from registers.selectors import local_today
from tests.factories import build_koha_world, busy_days
from tests.helpers import ARTIFACTS, CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium"),
]


@pytest.fixture
def finance_login(transactional_db):
    """Spec §10's world with a busy today, and the demo logins (finance, auditor)."""
    busy_days(build_koha_world(), [local_today()], per_day=6)
    lines = "\n".join(create_demo_users())
    return "finance", re.search(r"username: finance\s+password: (\S+)", lines).group(1)


def test_a_finance_user_maps_a_debit_type_exports_a_day_and_marks_it_posted(
        live_server, finance_login, browser_page, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM reads below are plain
    # blocking reads of what the server committed, so Django's async guard is lifted here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    username, password = finance_login
    page.goto(f"{live_server.url}/registers/journal/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("#journal-table")
    assert "PRINT" in page.locator("#journal-warnings").inner_text()  # not mapped yet
    page.screenshot(path=ARTIFACTS / "journal-unmapped.png", full_page=True)

    page.click("#journal-warnings a:text('Map them')")
    page.wait_for_selector("#mapping-form")
    page.select_option("#id_kind", "debit_type")
    page.fill("#id_code", "PRINT")
    page.fill("#id_account", "4100")
    page.fill("#id_cost_centre", "LIB-CPL")
    page.fill("#id_vat_rate", "20")
    page.fill("#id_vat_code", "S")
    page.click("#mapping-form button[type=submit]")
    page.wait_for_selector(".messages")
    assert "mapping version" in page.locator(".messages").inner_text()
    assert page.locator("#mappings-debit_type tr[data-code='PRINT']").inner_text().count("4100")
    assert MappingChange.objects.get().changed_by_name == "finance"
    page.screenshot(path=ARTIFACTS / "journal-mappings.png", full_page=True)

    page.click("nav a:text('Journal')")
    page.wait_for_selector("#journal-table")
    mapped = page.locator("#journal-table tr[data-account='4100']")
    assert "Income PRINT" in mapped.first.inner_text()
    with page.expect_download() as download:
        page.click("a:text('Export CSV')")
    saved = ARTIFACTS / download.value.suggested_filename
    download.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text())))
    assert saved.name == f"journal_{local_today().isoformat()}_{local_today().isoformat()}.csv"
    debit = sum((D(r["debit"] or 0) for r in rows), D(0))
    assert debit == sum((D(r["credit"] or 0) for r in rows), D(0)) > 0
    assert any(r["account"] == "4100" and r["vat_code"] == "S" for r in rows)
    page.screenshot(path=ARTIFACTS / "journal-day.png", full_page=True)

    page.click("#post-form button:text('Mark posted')")
    page.wait_for_selector(".messages")
    assert "Posted" in page.locator(".messages").inner_text()
    posting = Posting.objects.get()
    assert (posting.total, posting.posted_by_name) == (debit, "finance")
    page.screenshot(path=ARTIFACTS / "journal-posting.png", full_page=True)

    page.click("a:text('What changed since')")
    page.wait_for_selector("text=Nothing left to post")
    assert page.locator("#post-form").count() == 0
