"""Koha staff on the dashboard: Koha's permissions decide what they see — patrons' names and card
numbers only with borrowers: edit_borrowers (else masked, on the day page and its CSV), the
registers of the libraries Koha lets them log into (another library's register is a 404 on
pages, CSVs and the JSON figures) — and kohapay's settings only ever narrow that."""
import csv
import io

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.staff_sessions import SESSION_KEY, KohaAccess
from koha.models import Patron
from registers.access import can_record_cashup, ensure_groups, is_read_only
from registers.models import LibraryRestriction
from tests.conftest import FINANCE_OFFICER, KOHA_PASSWORD
from tests.factories import busy_days, koha_staff
from tests.helpers import log_in, set_preference, utc

DAY = utc(2024, 5, 2).date()
DAY_PAGE = "/registers/1/2024-05-02/"


def logged_in_as(userid: str) -> Client:
    client = Client()
    assert log_in(client, userid, KOHA_PASSWORD).status_code == 302, userid
    return client


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# --- patrons: masked without borrowers: edit_borrowers ------------------------------------------


def test_an_officer_with_edit_borrowers_sees_the_patrons(koha, koha_client):
    busy_days(koha, [DAY], per_day=2)

    page = koha_client.get(DAY_PAGE).content.decode()
    rows = csv_rows(koha_client.get(DAY_PAGE + "?format=csv"))

    assert koha.patron.cardnumber in page and koha.patron.surname in page
    assert "Patron hidden" not in page
    with_patron = [r for r in rows if r["patron_cardnumber"]]
    assert with_patron and {r["patron_cardnumber"] for r in with_patron} == {koha.patron.cardnumber}


def test_without_edit_borrowers_the_patrons_are_masked_the_lines_stay(koha, koha_client):
    busy_days(koha, [DAY], per_day=2)
    koha_staff("cashier", KOHA_PASSWORD, library=koha.cpl,
               modules=["catalogue"], codes=[("cash_management", "cashup")])
    cashier = logged_in_as("cashier")
    full_rows = csv_rows(koha_client.get(DAY_PAGE + "?format=csv"))

    page = cashier.get(DAY_PAGE).content.decode()
    rows = csv_rows(cashier.get(DAY_PAGE + "?format=csv"))

    assert koha.patron.cardnumber not in page and koha.patron.surname not in page
    assert page.count("Patron hidden") == sum(1 for r in full_rows if r["patron_cardnumber"])
    assert koha.staff.surname in page  # who recorded a line is not a patron's privacy
    assert koha.patron.cardnumber not in cashier.get(DAY_PAGE + "?format=csv").content.decode()
    assert len(rows) == len(full_rows)
    for masked, full in zip(rows, full_rows, strict=True):
        hidden = {"patron_cardnumber": "", "patron_name": "(hidden)"} if full["patron_name"] \
            else {"patron_cardnumber": "", "patron_name": ""}  # an anonymous sale stays empty
        assert masked == {**full, **hidden}


def test_masked_patrons_are_not_even_read(koha, client):
    busy_days(koha, [DAY], per_day=2)
    koha_staff("cashier", KOHA_PASSWORD, library=koha.cpl,
               modules=["catalogue"], codes=[("cash_management", "cashup")])
    cashier = logged_in_as("cashier")

    with CaptureQueriesContext(connection) as captured:
        assert cashier.get(DAY_PAGE).status_code == 200
    lines_query = next(q["sql"] for q in captured if "FROM `accountlines`" in q["sql"]
                       and "`accountlines`.`note`" in q["sql"])
    assert "`firstname`" in lines_query  # the staff member who recorded it
    assert lines_query.count("`firstname`") == 1  # and no patron's


def test_kohapay_users_see_patrons_as_before(koha, auditor_client):
    busy_days(koha, [DAY], per_day=2)
    assert koha.patron.cardnumber.encode() in auditor_client.get(DAY_PAGE).content


# --- registers: the libraries Koha lets them log into -------------------------------------------


def visible(client, koha) -> dict[str, int]:
    """Status of a CPL and an MPL register on each page, CSV and JSON."""
    found = {}
    for name, register in (("CPL", koha.register), ("MPL", koha.other_register)):
        for kind, url in (("page", f"/registers/{register.id}/"),
                          ("day", f"/registers/{register.id}/2024-05-02/"),
                          ("csv", f"/registers/{register.id}/2024-05-02/?format=csv"),
                          ("json", f"/api/v1/cash_registers/{register.id}/daily_totals")):
            found[f"{name} {kind}"] = client.get(url).status_code
    overview = client.get("/registers/?date=2024-05-02").content
    found["overview"] = tuple(name for name in (b"Front desk", b"Midway desk") if name in overview)
    return found


ALL = {f"{lib} {kind}": 200 for lib in ("CPL", "MPL") for kind in ("page", "day", "csv", "json")}
CPL_ONLY = {**ALL, **{f"MPL {kind}": 404 for kind in ("page", "day", "csv", "json")}}


@pytest.mark.parametrize("independent, extra, expected", [
    ("0", {}, {**CPL_ONLY, "overview": (b"Front desk",)}),
    ("1", {}, {**CPL_ONLY, "overview": (b"Front desk",)}),
    ("0", {"modules": ["loggedinlibrary"]}, {**ALL, "overview": (b"Front desk", b"Midway desk")}),
    ("1", {"modules": ["loggedinlibrary"]}, {**CPL_ONLY, "overview": (b"Front desk",)}),
    ("1", {"modules": ["superlibrarian"]}, {**ALL, "overview": (b"Front desk", b"Midway desk")}),
], ids=["home library", "independent branches", "loggedinlibrary",
        "loggedinlibrary, independent branches", "superlibrarian, independent branches"])
def test_the_registers_are_those_of_the_libraries_koha_allows(koha, independent, extra, expected):
    busy_days(koha, [DAY], per_day=1)
    set_preference("IndependentBranches", independent)
    modules = FINANCE_OFFICER["modules"] + extra.get("modules", [])
    koha_staff("cpl_staff", KOHA_PASSWORD, library=koha.cpl, modules=modules,
               codes=FINANCE_OFFICER["codes"])

    assert visible(logged_in_as("cpl_staff"), koha) == expected


def test_a_library_restriction_narrows_a_koha_login_and_never_widens_it(koha):
    busy_days(koha, [DAY], per_day=1)
    koha_staff("chief", KOHA_PASSWORD, library=koha.cpl, modules=["superlibrarian"])
    koha_staff("cpl_staff", KOHA_PASSWORD, library=koha.cpl, **FINANCE_OFFICER)
    chief, cpl_staff = logged_in_as("chief"), logged_in_as("cpl_staff")
    for userid in ("chief", "cpl_staff"):
        user = User.objects.get(koha_link__userid=userid)
        LibraryRestriction.objects.create(user=user).libraries.set(["MPL"])

    mpl_only = {**ALL, **{f"CPL {kind}": 404 for kind in ("page", "day", "csv", "json")}}
    assert visible(chief, koha) == {**mpl_only, "overview": (b"Midway desk",)}
    assert visible(cpl_staff, koha) == {**{k: 404 for k in ALL}, "overview": ()}


def test_the_finance_staff_group_does_not_widen_a_koha_login(koha, settings):
    koha_staff("clerk", KOHA_PASSWORD, library=koha.cpl, **FINANCE_OFFICER)
    clerk = logged_in_as("clerk")
    User.objects.get(koha_link__userid="clerk").groups.add(ensure_groups()["Finance staff"])
    settings.KOHAPAY_KOHA_RECHECK_SECONDS = 0
    Patron.objects.filter(userid="clerk").update(flags=1 << 2)  # catalogue only, in Koha

    assert clerk.get("/registers/").status_code == 302  # the session ended, group or not


# --- read-only and the cashup ---------------------------------------------------------------


def session_user(client):
    """The client's user as the views see it: with the Koha answer its session holds."""
    session = client.session
    user = User.objects.get(pk=session["_auth_user_id"])
    user.koha = KohaAccess.of(session[SESSION_KEY])
    return user


def test_the_auditors_group_makes_a_koha_login_read_only(koha, koha_client, make_user, settings):
    koha_staff("refunder", KOHA_PASSWORD, library=koha.cpl, modules=["catalogue"],
               codes=[("cash_management", "anonymous_refund")])
    officer, refunder = session_user(koha_client), session_user(logged_in_as("refunder"))
    kohapay_user = make_user("fiona", "Finance staff")

    assert not is_read_only(officer) and can_record_cashup(officer)
    assert not can_record_cashup(refunder)  # Koha's cashup permission is not theirs
    assert not is_read_only(kohapay_user) and not can_record_cashup(kohapay_user)  # no patron
    settings.KOHAPAY_CASHUP_MANAGER_ID = 51
    assert can_record_cashup(kohapay_user)
    assert not can_record_cashup(make_user("audrey", "Auditors"))

    User.objects.get(pk=officer.pk).groups.add(ensure_groups()["Auditors"])
    officer = session_user(koha_client)
    assert is_read_only(officer) and not can_record_cashup(officer)
    assert b'<span class="role">Koha staff \xc2\xb7 read-only</span>' in koha_client.get(
        "/registers/").content


# --- what a page costs ------------------------------------------------------------------------


PAGES = {
    "overview": "/registers/?date=2024-05-02",
    "register": "/registers/1/?from=2024-04-03&to=2024-05-02",
    "day": DAY_PAGE,
    "day_csv": DAY_PAGE + "?format=csv",
    "api": "/api/v1/cash_registers/1/daily_totals?from=2024-04-03&to=2024-05-02",
}


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("page", PAGES)
def test_a_koha_login_costs_no_more_queries_than_a_kohapay_user(koha, koha_officer,
                                                                finance_client, settings, page):
    busy_days(koha, [DAY], per_day=2)
    koha_client = logged_in_as("officer")  # not the same client as finance_client's
    koha_client.get(PAGES["overview"])  # records the ledger scan
    kohapay = queries(finance_client, PAGES[page])
    between_rechecks = queries(koha_client, PAGES[page])
    settings.KOHAPAY_KOHA_RECHECK_SECONDS = 0
    rechecked = queries(koha_client, PAGES[page])

    print(f"\n{page}: kohapay user {kohapay}, Koha login {between_rechecks} "
          f"({rechecked} with the re-check)")
    assert between_rechecks <= kohapay
    # the patron, its permissions (userflags and user_permissions in one statement), the
    # preferences; the session saved (in a savepoint here: three statements)
    assert rechecked - between_rechecks == 6

