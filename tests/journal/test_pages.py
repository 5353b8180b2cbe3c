"""The journal's pages, exports and API (issue 19): who reads, who changes, what the files hold,
and a fixed number of queries whatever the days or lines."""
import base64
import csv
import io
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journal.models import DEBIT_TYPE, Mapping, MappingChange, Posting
from koha.models import DebitType
from tests.factories import busy_days, koha_staff
from tests.helpers import log_in, table_rows
from tests.conftest import KOHA_PASSWORD

URL = "/registers/journal/?from=2024-05-02&to=2024-05-02"
API = "/api/v1/journal?from=2024-05-02&to=2024-05-02"


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def basic(username, password="pw-for-tests-only"):
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def test_the_page_its_csv_and_the_api_show_the_same_balanced_lines(day, mapped, finance_client):
    page = finance_client.get(URL)
    assert page.status_code == 200
    rows = [r for r in table_rows(page.content.decode(), "journal-table") if r["cells"]]
    response = finance_client.get(URL + "&format=csv")
    exported = csv_rows(response)
    api = finance_client.get(API).json()
    assert response["X-Kohapay-Mapping-Version"] == str(api["mapping_version"]) != "0"
    assert list(exported[0]) == ["date", "library", "cost_centre", "account", "description",
                                 "debit", "credit", "vat_code", "reference"]
    assert [r["account"] for r in exported] == [line["account"] for line in api["lines"]]
    assert len(rows) == len(exported) + 2  # the head and the foot
    debit = sum((D(r["debit"] or 0) for r in exported), D(0))
    assert debit == sum((D(r["credit"] or 0) for r in exported), D(0)) == D(str(
        api["total_debit"])) == D(str(api["total_credit"]))
    assert api["warnings"] == [] and len(api["digest"]) == 64


def test_csv_cells_a_spreadsheet_would_run_are_guarded(day, mapped, finance_client):
    DebitType.objects.filter(code="COPYCARD").update(description="=HYPERLINK(\"x\")")
    Mapping.objects.filter(code="COPYCARD").update(account="+4200", cost_centre="@cc")
    exported = csv_rows(finance_client.get(URL + "&format=csv"))
    copy = [r for r in exported if "COPYCARD" in r["description"]]
    assert copy and all(r["account"] == "'+4200" and r["cost_centre"] == "'@cc" for r in copy)
    assert not any(value[:1] in "=+-@" for r in exported for value in r.values() if value)


def test_the_fixed_layout_follows_the_settings(day, mapped, finance_client):
    from journal import services
    services.save_settings(user=None, layout_columns="date,account:6,debit:10,credit:10",
                           layout_separator="|", layout_header=True)
    text = finance_client.get(URL + "&format=fixed").content.decode()
    lines = text.split("\r\n")
    assert lines[0] == "date|accoun|debit     |credit    "
    assert lines[1] == "2024-05-02|1010  |     20.90|          "  # both CPL registers' cash


def test_auditors_read_but_never_change_or_post(day, mapped, auditor_client):
    assert auditor_client.get(URL).status_code == 200
    assert auditor_client.get("/registers/journal/mappings/").status_code == 200
    assert b"Mark posted" not in auditor_client.get(URL).content
    assert auditor_client.post("/registers/journal/mappings/change/", {
        "kind": DEBIT_TYPE, "code": "PRINT", "account": "1"}).status_code == 403
    assert auditor_client.post("/registers/journal/post/", {
        "from": "2024-05-02", "to": "2024-05-02", "digest": "0" * 64,
        "mapping_version": 0}).status_code == 403
    assert not Posting.objects.exists()


def test_finance_staff_map_and_post_through_the_pages(day, finance_client):
    response = finance_client.post("/registers/journal/mappings/change/", {
        "kind": DEBIT_TYPE, "code": "PRINT", "account": "4100", "vat_rate": "20",
        "vat_code": "S"})
    assert response.status_code == 302
    assert MappingChange.objects.get().changed_by_name == "fiona"
    page = finance_client.get(URL)
    digest = page.context["journal"].digest
    posted = finance_client.post("/registers/journal/post/", {
        "from": "2024-05-02", "to": "2024-05-02", "digest": digest,
        "mapping_version": page.context["journal"].mapping_version})
    assert posted.status_code == 302
    assert b"Nothing left to post" in finance_client.get(URL).content
    again = finance_client.post("/registers/journal/post/", {
        "from": "2024-05-02", "to": "2024-05-02", "digest": digest, "mapping_version": 1})
    assert again.status_code == 409 and b"Nothing to post" in again.content
    detail = finance_client.get(posted["Location"])
    assert detail.status_code == 200 and b"4100" in detail.content


def test_a_bad_mapping_is_refused_with_its_reason(db, finance_client):
    response = finance_client.post("/registers/journal/mappings/change/", {
        "kind": DEBIT_TYPE, "code": "PRINT", "account": "4100", "vat_rate": "120"})
    assert response.status_code == 400 and not Mapping.objects.exists()
    assert b"less than or equal to 100" in response.content


def test_a_koha_login_needs_manage_accounts_to_map_and_cashup_to_post(day, mapped, koha_officer,
                                                                     client):
    log_in(client, "officer", KOHA_PASSWORD)
    assert client.get(URL).status_code == 200
    assert client.post("/registers/journal/mappings/change/", {
        "kind": DEBIT_TYPE, "code": "PRINT", "account": "1"}).status_code == 403
    page = client.get(URL)
    assert b"Mark posted" in page.content  # cash_management includes cashup


@pytest.fixture
def accounts_officer(koha):
    return koha_staff("accounts", KOHA_PASSWORD, library=koha.cpl,
                      modules=["catalogue", "cash_management"],
                      codes=[("parameters", "manage_accounts")])


def test_a_koha_login_with_manage_accounts_maps(day, accounts_officer, client):
    log_in(client, "accounts", KOHA_PASSWORD)
    response = client.post("/registers/journal/mappings/change/", {
        "kind": DEBIT_TYPE, "code": "PRINT", "account": "4100"})
    assert response.status_code == 302
    assert MappingChange.objects.get().changed_by_name == "accounts"


def test_a_restricted_user_sees_only_their_libraries(day, mapped, make_user, client):
    from tests.factories import CashRegisterFactory, LibraryFactory, charge_and_pay
    from tests.helpers import utc
    other = LibraryFactory(branchcode="MPL", branchname="Midway")
    register = CashRegisterFactory(name="Midway till", library=other)
    charge_and_pay(register=register, at=utc(2024, 5, 2, 11), amount="99.00",
                   patron=day.patron, manager=day.staff)
    client.force_login(make_user("mo", "Finance staff", libraries=["MPL"]))
    lines = client.get(API).json()["lines"]
    assert {line["library"] for line in lines} == {"MPL"}
    assert client.post("/registers/journal/mappings/change/", {
        "kind": DEBIT_TYPE, "code": "PRINT", "account": "1"}).status_code == 403
    assert client.post("/registers/journal/mappings/change/", {
        "kind": "library", "code": "MPL", "cost_centre": "MID"}).status_code == 302


@pytest.mark.parametrize("headers", [{}, {"HTTP_AUTHORIZATION": "Bearer some-kiosk-token"}])
def test_the_api_needs_a_dashboard_user(koha, client, headers):
    response = client.get(API, **headers)
    assert response.status_code == 401
    assert response.json()["error_code"] in {"unauthenticated", "invalid_token",
                                             "invalid_credentials"}


@pytest.mark.parametrize("query, field", [("from=2024-05-09&to=2024-05-02", "from"),
                                          ("from=nonsense", "from"),
                                          ("cashup_id=1&from=2024-05-02", "cashup_id"),
                                          ("view=some", "view")])
def test_bad_queries_are_400_in_kohas_shape(koha, client, auditor, query, field):
    response = client.get(f"/api/v1/journal?{query}", **basic("audrey"))
    assert response.status_code == 400
    body = response.json()
    assert body["error_code"] and body["errors"][0]["path"] == f"/query/{field}"


def test_an_unknown_cashup_is_a_404(koha, finance_client):
    assert finance_client.get("/api/v1/journal?cashup_id=999").status_code == 404
    assert finance_client.get("/registers/journal/?cashup=999").status_code == 404


def queries(client, url) -> int:
    client.get(url)  # the first read after new lines records the ledger scan (registers.recency)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_queries_are_fixed_as_days_and_lines_grow(koha, mapped, finance_client):
    from registers.selectors import local_today
    today = local_today()
    busy_days(koha, [today], per_day=2)
    one = today.isoformat()
    small = (queries(finance_client, f"/registers/journal/?from={one}&to={one}"),
             queries(finance_client, f"/api/v1/journal?from={one}&to={one}"))
    busy_days(koha, [today - timedelta(days=n) for n in range(1, 20)], per_day=8)
    start = (today - timedelta(days=19)).isoformat()
    large = (queries(finance_client, f"/registers/journal/?from={start}&to={one}"),
             queries(finance_client, f"/api/v1/journal?from={start}&to={one}"))
    assert small == large


def test_a_rows_edit_link_fills_the_form_with_its_mapping(koha, mapped, finance_client):
    html = finance_client.get("/registers/journal/mappings/?kind=debit_type&code=PRINT"
                              ).content.decode()
    assert 'name="account" value="4100"' in html and 'name="vat_code" value="S"' in html


def test_a_posting_request_without_what_was_shown_is_400(day, mapped, finance_client):
    response = finance_client.post("/registers/journal/post/", {"from": "2024-05-02"})
    assert response.status_code == 400 and not Posting.objects.exists()


def test_settings_refuse_a_reference_prefix_that_is_not_plain(db, finance_client):
    response = finance_client.post("/registers/journal/settings/", {
        "default_income_account": "9999", "default_clearing_account": "1999",
        "vat_account": "2200", "reference_prefix": "{day.__class__}",
        "layout_columns": "date,account", "layout_separator": ";"})
    assert response.status_code == 400 and not MappingChange.objects.exists()
