"""A real browser (Debian's Chromium driven by Playwright) against the live dashboard: the demo
auditor logs in, opens the overview, a register and a day, downloads a CSV; a Koha staff member
logs in with their Koha userid and password and sees their library's register, patrons masked.
Screenshots of every page land in test-artifacts/ (git-ignored) for people to look at."""
import csv
import io
import os
import re
from datetime import timedelta

import pytest

from demo.users import create_demo_users
from registers.selectors import local_today
from tests.factories import build_koha_world, busy_days, koha_staff
from tests.helpers import ARTIFACTS, CHROMIUM


pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium"),
]


@pytest.fixture
def auditor_login(transactional_db):
    """Spec §10's world with ten busy days ending today, and the demo logins."""
    koha = build_koha_world()
    today = local_today()
    busy_days(koha, [today - timedelta(days=n) for n in range(9, -1, -1)], per_day=6)
    lines = create_demo_users()
    password = re.search(r"username: auditor\s+password: (\S+)", "\n".join(lines)).group(1)
    return "auditor", password


def test_the_demo_auditor_browses_the_dashboard_and_exports_a_csv(live_server, auditor_login,
                                                                 browser_page):
    page = browser_page
    username, password = auditor_login

    page.goto(f"{live_server.url}/registers/")
    assert "/accounts/login/" in page.url
    page.screenshot(path=ARTIFACTS / "login.png")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")

    page.wait_for_selector("#overview-table")
    assert page.locator(".user .role").inner_text() == "Auditor"
    assert page.locator("tr[data-register]").count() == 2
    page.screenshot(path=ARTIFACTS / "overview.png", full_page=True)

    page.click("#overview-table a:text('Front desk')")
    page.wait_for_selector("#register-table")
    assert page.locator(".chart svg rect.bar").count() == 30
    assert page.locator("#cashup-table tbody tr").count() == 10
    page.screenshot(path=ARTIFACTS / "register.png", full_page=True)

    page.locator("#register-table tbody tr[data-day]").last.locator("a").click()
    page.wait_for_selector("#day-table")
    shown = page.locator("#day-table tbody tr[data-line]").count()
    page.screenshot(path=ARTIFACTS / "day.png", full_page=True)

    with page.expect_download() as download:
        page.click("a:text('Export CSV')")
    saved = ARTIFACTS / download.value.suggested_filename
    download.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text())))
    assert saved.name.startswith("register-1-front-desk_") and len(rows) == shown > 0

    page.set_viewport_size({"width": 1024, "height": 768})  # a tablet in landscape
    page.goto(f"{live_server.url}/registers/")
    page.screenshot(path=ARTIFACTS / "overview-tablet.png", full_page=True)


@pytest.fixture
def koha_cashier_login(transactional_db):
    """The same world, and a Koha cashier at CPL: catalogue and cash_management: cashup, but not
    borrowers: edit_borrowers."""
    koha = build_koha_world()
    today = local_today()
    busy_days(koha, [today - timedelta(days=n) for n in range(2, -1, -1)], per_day=4)
    koha_staff("cashier", "Koha pässword 1", library=koha.cpl, modules=["catalogue"],
               codes=[("cash_management", "cashup")])
    return "cashier", "Koha pässword 1"


def test_a_koha_staff_member_logs_in_with_their_koha_password(live_server, koha_cashier_login,
                                                              browser_page):
    page = browser_page
    userid, password = koha_cashier_login

    page.goto(f"{live_server.url}/registers/")
    page.fill("#id_username", userid)
    page.fill("#id_password", "not the password")
    page.click("button[type=submit]")
    assert "didn't match" in page.locator(".errors").inner_text()

    page.fill("#id_username", userid)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("#overview-table")
    assert page.locator(".user .role").inner_text() == "Koha staff"
    assert page.locator(".user span").first.inner_text() == "cashier"  # the Koha userid
    assert page.locator("tr[data-register]").count() == 1  # CPL's register only
    page.screenshot(path=ARTIFACTS / "koha-staff-overview.png", full_page=True)

    page.click("#overview-table a:text('Front desk')")
    page.wait_for_selector("#register-table")
    page.locator("#register-table tbody tr[data-day]").last.locator("a").click()
    page.wait_for_selector("#day-table")
    lines = page.locator("#day-table tbody tr[data-line]").count()
    assert lines > 0 and page.locator("#day-table :text('Patron hidden')").count() > 0
    page.screenshot(path=ARTIFACTS / "koha-staff-day.png", full_page=True)

    page.click("button:text('Log out')")
    page.goto(f"{live_server.url}/registers/")
    assert "/accounts/login/" in page.url


@pytest.fixture
def till_to_cash_up(transactional_db, settings):
    """Yesterday cashed up, a few payments today; the demo logins; kohapay's Finance staff record
    cashups as patron 51."""
    from django.utils import timezone

    from tests.factories import charge_and_pay

    settings.KOHAPAY_CASHUP_MANAGER_ID = 51
    koha = build_koha_world()
    busy_days(koha, [local_today() - timedelta(days=1)], per_day=3)
    for minutes, amount in ((30, "12.50"), (20, "4.00")):
        charge_and_pay(register=koha.register, at=timezone.now() - timedelta(minutes=minutes),
                       amount=amount, patron=koha.patron, manager=koha.staff)
    text = "\n".join(create_demo_users())
    return {name: re.search(rf"username: {name}\s+password: (\S+)", text).group(1)
            for name in ("finance", "auditor")}


def log_in_as(page, base: str, username: str, password: str):
    page.goto(f"{base}/registers/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("#overview-table")


def test_finance_cashes_up_with_a_deficit_and_the_auditor_sees_it(live_server, till_to_cash_up,
                                                                   browser_page):
    page, base = browser_page, live_server.url
    log_in_as(page, base, "finance", till_to_cash_up["finance"])
    page.click("#overview-table a:text('Front desk')")
    page.click("#cash-up")
    page.wait_for_selector("#cashup-counts")
    expected = page.locator("#cashup-counts tr[data-payment-type=CASH] td.num").first
    assert expected.inner_text() == "16.50"
    page.fill("#id_count_CASH", "16.00")
    page.fill("#id_note", "Fifty pence short")
    page.screenshot(path=ARTIFACTS / "cashup.png", full_page=True)
    page.click("#record-cashup")

    page.wait_for_selector("#cashup-table")
    deficit = page.locator("#cashup-table .variance.deficit").first
    assert deficit.inner_text() == "\u22120.50"
    page.click("nav a:text('Variances')")
    page.wait_for_selector("#variance-table")
    row = page.locator("#variance-table tbody tr").first
    assert "Fifty pence short" in row.inner_text() and "finance" in row.inner_text()
    assert row.locator(".variance.deficit").inner_text() == "\u22120.50"
    page.screenshot(path=ARTIFACTS / "variances.png", full_page=True)
    page.click("button:text('Log out')")

    log_in_as(page, base, "auditor", till_to_cash_up["auditor"])
    page.click("nav a:text('Variances')")
    page.wait_for_selector("#variance-table")
    assert "Fifty pence short" in page.locator("#variance-table").inner_text()
    page.goto(f"{base}/registers/1/")
    page.wait_for_selector("#cashup-table")
    assert page.locator("#cash-up").count() == 0
    assert page.locator("#cashup-table .variance.deficit").count() == 1
    response = page.goto(f"{base}/registers/1/cashup/")
    assert response.status == 403 and page.locator("#cashup-form").count() == 0
