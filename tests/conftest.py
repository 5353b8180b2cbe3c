"""Test bed: real MariaDB, with the Koha tables created from the project's own schema; the
fixtures every test package shares (the §10 world and what its patron already owes, a kiosk
with a token — paying, selling and refunding —, dashboard users).
Helpers that are not fixtures are in ``tests/helpers.py``."""
import time
from datetime import timedelta
from types import SimpleNamespace

import MySQLdb
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from koha import schema as kohaschema
from payments.services.clients import create_api_client
from tests.factories import DebitTypeFactory, build_koha_world, koha_debit, koha_staff
from tests.helpers import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    bearer_client,
    get_token,
    log_in,
    payment_refunds_url,
    payments_url,
    sale_body,
    sale_refunds_url,
    sales_url,
)


def pytest_sessionstart(session):
    """Fail at once, and say how to fix it, when no MariaDB answers."""
    db = settings.DATABASES["default"]
    try:
        MySQLdb.connect(
            host=db["HOST"] or "127.0.0.1", port=int(db["PORT"] or 3306), user=db["USER"],
            password=db["PASSWORD"], connect_timeout=3,
        ).close()
    except MySQLdb.OperationalError as exc:
        pytest.exit(
            f"No MariaDB server answers at {db['HOST']}:{db['PORT']} ({exc}). Start one "
            "(Debian: apt-get install mariadb-server && service mariadb start) or set "
            "DATABASE_URL=mysql://user:password@host:port/name.",
            returncode=3,
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """After Django's tables, create Koha's in the test database (unless --reuse-db kept them)."""
    with django_db_blocker.unblock():
        if not kohaschema.existing_koha_tables():
            kohaschema.create()


@pytest.fixture(autouse=True)
def _empty_koha_tables_after_transactional_tests(request, django_db_blocker):
    """Django flushes only the tables it manages; empty Koha's after tests that really commit."""
    yield
    marker = request.node.get_closest_marker("django_db")
    committed = marker is not None and marker.kwargs.get("transaction", False)
    if not committed and not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    # This teardown runs after the database fixtures' own, which block access again.
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SET FOREIGN_KEY_CHECKS = 0")
        for table in kohaschema.koha_tables():
            cursor.execute(f"DELETE FROM `{table}`")
        cursor.execute("SET FOREIGN_KEY_CHECKS = 1")


@pytest.fixture
def koha(db):
    """The world of the spec's worked example (§10): library CPL, staff patron 51, patron 42 with
    no charges, debit type PRINT, register 1 at CPL, CASH; UseCashRegisters=1, FinesLog=1."""
    return build_koha_world()


@pytest.fixture
def debts(koha):
    """The §10 world where patron 42 already owes three debits, oldest first: a replacement card
    (MANUAL 1.50, charged at the desk), then two overdue fines of returned books (OVERDUE 5.00
    and 4.00, written by Koha's fines cron). 10.50 in all."""
    days_ago = timezone.now().replace(microsecond=0) - timedelta(days=3)
    return SimpleNamespace(
        card=koha_debit(amount="1.50", at=days_ago, debit_type="MANUAL",
                        description="Replacement card", manager_id=51, interface="intranet"),
        hobbit=koha_debit(amount="5.00", at=days_ago + timedelta(hours=1), item_id=501,
                          description="The Hobbit"),
        dune=koha_debit(amount="4.00", at=days_ago + timedelta(hours=2), item_id=502,
                        description="Dune"),
    )


# --- the payment API: a kiosk of the §10 world with a live token -------------------------------


@pytest.fixture
def kiosk(koha):
    """API client "Kiosk CPL" acting as staff patron 51 at CPL, with a live token."""
    credentials = create_api_client(name="Kiosk CPL", staff_patron_id=51, library_ids=["CPL"])
    token = get_token(credentials)
    return SimpleNamespace(credentials=credentials, client=credentials.client, token=token,
                           api=bearer_client(token))


@pytest.fixture
def pay(kiosk):
    """POST an intake for patron 42 (or ``patron_id``) as the kiosk; returns the response."""

    def post(body: dict | None = None, *, patron_id=42, key=None, api=None, **overrides):
        payload = {"debit_type": "PRINT", "amount": "2.50", "payment_type": "CASH",
                   "register_id": 1} if body is None else body
        payload = {**payload, **overrides}
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
        return (api or kiosk.api).post(payments_url(patron_id), payload, format="json", **headers)

    return post


# --- sales (issue 16) ---------------------------------------------------------------------------


@pytest.fixture
def for_sale(koha):
    """What CPL sells at its kiosk beside PRINT: a copy card (can_be_sold), and two types the
    point of sale does not offer — an invoice-only fee and an archived one."""
    return SimpleNamespace(
        copycard=DebitTypeFactory(code="COPYCARD", description="Copy card"),
        invoice_only=DebitTypeFactory(code="BINDING", description="Binding", can_be_sold=False),
        archived=DebitTypeFactory(code="OLDPRINT", description="Old printing", archived=True),
    )


@pytest.fixture
def sell(kiosk, for_sale):
    """POST a sale at register 1 (or ``register_id``) as the kiosk; returns the response."""

    def post(body: dict | None = None, *, register_id=1, key=None, api=None, **overrides):
        payload = sale_body() if body is None else body
        payload = {**payload, **overrides} if overrides else payload
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
        return (api or kiosk.api).post(sales_url(register_id), payload, format="json",
                                       **headers)

    return post


# --- refunds (issue 16) -------------------------------------------------------------------------


@pytest.fixture
def refund(kiosk):
    """POST a refund as the kiosk: of payment ``payment_id`` (patron 42, or ``patron_id``), or of
    sale ``sale_id`` (register 1, or ``register_id``); the body defaults to all of it, in cash."""

    def post(*, payment_id=None, sale_id=None, patron_id=42, register_id=1, key=None, api=None,
             **body):
        url = (payment_refunds_url(payment_id, patron_id) if sale_id is None
               else sale_refunds_url(sale_id, register_id))
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
        return (api or kiosk.api).post(url, {"payout_type": "CASH", **body}, format="json",
                                       **headers)

    return post


@pytest.fixture
def one_minute_window():
    """Start the test early in a minute: the rate limits count in fixed, clock-aligned windows,
    and a test that expects its n+1-th request to be refused must not straddle two of them."""
    left = 60 - time.time() % 60
    if left < 15:
        time.sleep(left + 0.05)


# --- the dashboard's users --------------------------------------------------------------------


@pytest.fixture
def new_york(settings):
    """A zone with daylight saving: the dashboard's days are New York days."""
    settings.KOHA_TIME_ZONE = "America/New_York"
    return settings


@pytest.fixture
def make_user(db):
    """A dashboard user: ``group`` is "Finance staff", "Auditors" or None; ``libraries`` a list of
    branchcodes for a library restriction (None: unrestricted)."""
    from django.contrib.auth.models import User

    from registers.access import ensure_groups
    from registers.models import LibraryRestriction

    def make(username, group=None, libraries=None, password="pw-for-tests-only"):
        user = User.objects.create_user(username, password=password)
        if group:
            user.groups.add(ensure_groups()[group])  # a flush by an earlier test drops them
        if libraries is not None:
            LibraryRestriction.objects.create(user=user).libraries.set(libraries)
        return user

    return make


@pytest.fixture
def auditor(make_user):
    return make_user("audrey", "Auditors")


@pytest.fixture
def finance(make_user):
    return make_user("fiona", "Finance staff")


@pytest.fixture
def auditor_client(client, auditor):
    client.force_login(auditor)
    return client


@pytest.fixture
def finance_client(client, finance):
    client.force_login(finance)
    return client


# --- Koha staff (a Koha login on the dashboard) ------------------------------------------------

KOHA_PASSWORD = "Pässwörd-of-koha-staff"
FINANCE_OFFICER = {"modules": ["catalogue", "cash_management"],
                   "codes": [("borrowers", "edit_borrowers")]}


@pytest.fixture
def koha_officer(koha):
    """A Koha finance officer at CPL: catalogue and cash_management, and borrowers:
    edit_borrowers (sees patrons); password ``KOHA_PASSWORD``."""
    return koha_staff("officer", KOHA_PASSWORD, library=koha.cpl, firstname="Olive",
                      surname="Officer", email="olive@library.example", **FINANCE_OFFICER)


@pytest.fixture
def koha_client(client, koha_officer):
    """A test client logged in through the login page as the Koha finance officer."""
    assert log_in(client, "officer", KOHA_PASSWORD).status_code == 302
    return client


@pytest.fixture
def browser_page():
    """A page of a fresh headless Chromium (downloads accepted); screenshots go to ARTIFACTS."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900},
                                      accept_downloads=True)
        yield context.new_page()
        context.close()
        browser.close()
