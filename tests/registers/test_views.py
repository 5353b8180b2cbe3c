"""Dashboard pages: access, figures, exports equal to the pages, escaping, bad filters."""
import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from registers.selectors import DayRange
from tests.factories import CashRegisterFactory, busy_days, cashup, charge_and_pay, kohapay_intake
from tests.helpers import amount, table_rows, utc

DAY = date(2024, 5, 2)
PAGES = [
    "/registers/?date=2024-05-02",
    "/registers/1/?from=2024-04-28&to=2024-05-02",
    "/registers/1/2024-05-02/",
]


def csv_rows(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def sql_net(register_ids, days: DayRange) -> tuple[Decimal, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(-SUM(amount), 0), COUNT(*) FROM accountlines WHERE register_id IN"
            f" ({','.join(['%s'] * len(register_ids))}) AND date >= %s AND date < %s",
            [*register_ids, days.start, days.end],
        )
        return cursor.fetchone()


# --- access -------------------------------------------------------------------------------------


CSV_PAGES = [p + ("&" if "?" in p else "?") + "format=csv" for p in PAGES]


@pytest.mark.parametrize("url", PAGES + CSV_PAGES)
def test_anonymous_users_are_sent_to_the_login_page(koha, client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", PAGES)
def test_users_outside_the_dashboard_groups_are_refused(koha, client, make_user, url):
    client.force_login(make_user("visitor"))

    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_auditors_and_finance_staff_see_every_page(koha, client, auditor, finance, url):
    for user in (auditor, finance):
        client.force_login(user)
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_dashboard_pages_refuse_writes(koha, auditor_client, url):
    for method in ("post", "put", "patch", "delete"):
        assert getattr(auditor_client, method)(url).status_code == 405


def test_the_header_names_the_users_role(koha, client, make_user):
    from django.contrib.auth.models import User

    users = {"Finance staff": make_user("fin", "Finance staff"),
             "Auditor": make_user("aud", "Auditors"),
             "Administrator": User.objects.create_superuser("root", password="pw-for-tests-only")}
    for role, user in users.items():
        client.force_login(user)
        assert f'<span class="role">{role}</span>'.encode() in client.get("/registers/").content


def test_login_page_and_logout(koha, client, auditor):
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and b"kohapay" in page.content
    response = client.post("/accounts/login/",
                           {"username": "audrey", "password": "pw-for-tests-only"})
    assert response.status_code == 302 and response["Location"] == "/registers/"
    assert client.get("/registers/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/registers/").status_code == 302


def test_a_restricted_user_never_sees_another_librarys_register(koha, client, make_user):
    busy_days(koha, [DAY], per_day=2)
    client.force_login(make_user("mia", "Finance staff", libraries=["MPL"]))
    other = koha.register.id  # at CPL

    overview = client.get("/registers/?date=2024-05-02")
    assert b"Midway desk" in overview.content and b"Front desk" not in overview.content
    exported = csv_rows(client.get("/registers/?date=2024-05-02&format=csv"))
    assert {row["library_code"] for row in exported} == {"MPL"}
    for url in (f"/registers/{other}/", f"/registers/{other}/?format=csv",
                f"/registers/{other}/2024-05-02/", f"/registers/{other}/2024-05-02/?format=csv"):
        assert client.get(url).status_code == 404, url
    assert client.get("/registers/?date=2024-05-02&library=CPL").status_code == 400
    assert client.get(f"/registers/{koha.other_register.id}/2024-05-02/").status_code == 200


def test_an_empty_restriction_shows_nothing_rather_than_everything(koha, client, make_user):
    client.force_login(make_user("nobody", "Auditors", libraries=[]))

    response = client.get("/registers/")

    assert response.status_code == 200
    assert b"No registers to show" in response.content
    assert b"Front desk" not in response.content


# --- figures and exports ------------------------------------------------------------------------


def test_overview_groups_registers_by_library_with_subtotals_and_a_total(koha, finance_client):
    second = CashRegisterFactory(name="Back office", library=koha.cpl)
    busy_days(koha, [DAY], per_day=3)
    charge_and_pay(register=second, at=utc(2024, 5, 2, 12), amount="10.00", patron=koha.patron,
                   manager=koha.staff)

    response = finance_client.get("/registers/?date=2024-05-02")

    rows = table_rows(response.content.decode(), "overview-table")
    libraries = [r["cells"][0] for r in rows if r["attrs"].get("class") == "library"]
    assert libraries == ["Centerville (CPL)", "Midway (MPL)"]
    def by(attr):
        return {r["attrs"][attr]: r["cells"] for r in rows if attr in r["attrs"]}

    subtotals, registers = by("data-library"), by("data-register")
    cpl_net = amount(registers[str(koha.register.id)][3]) + amount(registers[str(second.id)][3])
    assert amount(subtotals["CPL"][3]) == cpl_net
    grand = rows[-1]["cells"]
    all_ids = [koha.register.id, second.id, koha.other_register.id]
    net, count = sql_net(all_ids, DayRange.single(DAY))
    assert (amount(grand[3]), int(grand[4])) == (net, count)


def test_overview_csv_equals_the_page(koha, finance_client):
    busy_days(koha, [DAY], per_day=4)
    url = "/registers/?date=2024-05-02"

    page = table_rows(finance_client.get(url).content.decode(), "overview-table")
    exported = csv_rows(finance_client.get(url + "&format=csv"))

    shown = [r["cells"] for r in page if "data-register" in r["attrs"]]
    assert len(shown) == len(exported) == 2
    for cells, row in zip(shown, exported):
        assert cells[0] == row["register_name"]
        figures = [row[k] for k in ("income", "payouts", "net")] + [
            row[k] for k in row if k.startswith("by_type_")
        ] + [row["since_last_cashup"]]
        displayed = cells[1:4] + cells[5:-2] + [cells[-2]]
        assert [amount(c) for c in displayed] == [Decimal(f) for f in figures]
        assert int(cells[4]) == int(row["count"])


def test_register_page_days_csv_and_sql_agree(koha, finance_client):
    days = DayRange(date(2024, 4, 28), date(2024, 5, 2))
    busy_days(koha, days.days[1:], per_day=3)  # the first day stays empty
    url = "/registers/1/?from=2024-04-28&to=2024-05-02"

    page = table_rows(finance_client.get(url).content.decode(), "register-table")
    response = finance_client.get(url + "&format=csv")
    exported = csv_rows(response)

    body = [r for r in page if "data-day" in r["attrs"]]
    assert [r["attrs"]["data-day"] for r in body] == [row["date"] for row in exported]
    for r, row in zip(body, exported):
        values = [row["income"], row["payouts"], row["net"]] + [
            row[k] for k in row if k.startswith("by_type_")]
        assert [amount(c) for c in r["cells"][1:4] + r["cells"][5:]] == [Decimal(v) for v in values]
    assert exported[0]["count"] == "0"
    total = page[-1]["cells"]
    assert (amount(total[3]), int(total[4])) == sql_net([koha.register.id], days)
    filename = 'filename="register-1-front-desk_2024-04-28_2024-05-02.csv"'
    assert filename in response["Content-Disposition"]


def test_day_page_lists_every_line_and_its_csv_matches(koha, finance_client):
    busy_days(koha, [DAY], per_day=4)
    url = "/registers/1/2024-05-02/"

    html = finance_client.get(url).content.decode()
    exported = csv_rows(finance_client.get(url + "?format=csv"))

    rows = [r for r in table_rows(html, "day-table") if "data-line" in r["attrs"]]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT accountlines_id FROM accountlines WHERE register_id = %s AND date >= %s"
            " AND date < %s ORDER BY date, accountlines_id",
            [koha.register.id, *DayRange.single(DAY).bounds],
        )
        expected = [str(row[0]) for row in cursor.fetchall()]
    shown = [r["attrs"]["data-line"] for r in rows]
    assert shown == [row["line_id"] for row in exported] == expected
    assert [amount(r["cells"][6]) for r in rows] == [Decimal(row["amount"]) for row in exported]
    footer = table_rows(html, "day-table")[-1]["cells"]
    assert amount(footer[1]) == sql_net([koha.register.id], DayRange.single(DAY))[0]
    kiosk = [row for row in exported if row["kohapay_client"]]
    assert kiosk and kiosk[0]["external_id"] == "KIOSK-20240502-1"
    assert "Lobby kiosk" in html and "KIOSK-20240502-1" in html
    assert exported[0]["paid_lines"].split()[1] in ("PRINT", "MANUAL")


def test_descriptions_are_escaped_on_the_page_and_neutralised_in_csv(koha, finance_client):
    charge_and_pay(register=koha.register, at=utc(2024, 5, 2, 10), amount="1.00",
                   patron=koha.patron, manager=koha.staff,
                   description='<script>alert("x")</script>')
    charge_and_pay(register=koha.register, at=utc(2024, 5, 2, 11), amount="1.00",
                   patron=koha.patron, manager=koha.staff, description="=HYPERLINK(1)")

    html = finance_client.get("/registers/1/2024-05-02/").content.decode()
    exported = finance_client.get("/registers/1/2024-05-02/?format=csv").content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html  # Jinja2 writes " as &#34;
    assert ",=HYPERLINK" not in exported


def test_the_day_rows_escape_what_staff_clients_and_patrons_wrote(koha, finance_client):
    """The day's rows come from a Jinja2 template: autoescaping must stay on for every value."""
    koha.register.name = "<i>Front & desk</i>"
    koha.register.save()
    paid = charge_and_pay(register=koha.register, at=utc(2024, 5, 2, 10), amount="1.00",
                          patron=koha.patron, manager=koha.staff, description="<u>fine</u>")
    kohapay_intake(paid, client_name="<em>Kiosk</em>", external_id="<s>X-1</s>")

    html = finance_client.get("/registers/1/2024-05-02/").content.decode()

    for hostile in ("<i>Front", "<u>fine", "<em>Kiosk", "<s>X-1"):
        assert hostile not in html
    for escaped in ("&lt;i&gt;Front &amp; desk&lt;/i&gt;", "&lt;u&gt;fine&lt;/u&gt;",
                    "via &lt;em&gt;Kiosk&lt;/em&gt;", "ext. &lt;s&gt;X-1&lt;/s&gt;"):
        assert escaped in html


def test_empty_states_say_so(koha, finance_client):
    overview = finance_client.get("/registers/?date=2024-05-02").content.decode()
    register = finance_client.get("/registers/1/?to=2024-05-02").content.decode()
    day = finance_client.get("/registers/1/2024-05-02/").content.decode()

    assert "No transactions were journaled to these registers on this day" in overview
    assert "No transactions in this period." in register
    assert "No cashups in this period." in register
    assert "No transactions on this day." in day


def test_archived_registers_are_hidden_unless_asked(koha, finance_client):
    CashRegisterFactory(name="Old till", library=koha.cpl, archived=True)

    assert b"Old till" not in finance_client.get("/registers/").content
    assert b"Old till" in finance_client.get("/registers/?archived=on").content


def test_payment_type_filter(koha, finance_client):
    busy_days(koha, [DAY], per_day=4)

    url = "/registers/1/2024-05-02/?payment_type=SIP01&format=csv"
    exported = csv_rows(finance_client.get(url))

    assert exported and {row["payment_type"] for row in exported} == {"SIP01"}


@pytest.mark.parametrize("url", [
    "/registers/?from=yesterday",
    "/registers/?from=2024-05-02&to=2024-05-01",
    "/registers/?from=2023-01-01&to=2024-05-01",
    "/registers/?payment_type=BITCOIN",
    "/registers/?format=xlsx",
    "/registers/1/?to=2024-02-30",
    "/registers/1/2024-05-02/?payment_type=NOPE",
])
def test_bad_filters_are_a_400_that_says_why(koha, finance_client, url):
    response = finance_client.get(url)

    assert response.status_code == 400
    assert b"These filters cannot be used" in response.content


@pytest.mark.parametrize("url", [
    "/registers/999/", "/registers/1/2024-02-30/", "/registers/999/2024-05-02/",
])
def test_unknown_registers_and_impossible_days_are_404(koha, finance_client, url):
    assert finance_client.get(url).status_code == 404


def test_new_york_days_on_the_pages(koha, finance_client, new_york):
    charge_and_pay(register=koha.register, at=utc(2024, 5, 3, 3, 30), amount="2.00",
                   patron=koha.patron, manager=koha.staff)  # 23:30 EDT on 2 May

    exported = csv_rows(finance_client.get("/registers/1/2024-05-02/?format=csv"))
    html = finance_client.get("/registers/1/2024-05-02/").content.decode()

    assert [row["time"] for row in exported] == ["2024-05-02T23:30:00-04:00"]
    assert "23:30:00" in html


def test_refusals_are_styled_pages(koha, client, make_user, settings):
    settings.DEBUG = False
    client.force_login(make_user("visitor"))
    refused = client.get("/registers/")
    client.force_login(make_user("fred", "Finance staff"))
    missing = client.get("/registers/999/")

    assert refused.status_code == 403 and b"Finance staff and Auditors" in refused.content
    assert missing.status_code == 404 and b"Back to the cash registers" in missing.content


def test_overview_register_rows_link_escape_and_show_the_till(koha, finance_client, new_york):
    """The register rows (templates/registers/rows/overview.jinja): the link keeps the days and payment
    type, the name is escaped, an archived register is marked, the last cashup is local time."""
    odd = CashRegisterFactory(name="<b>Till & co</b>", library=koha.cpl, archived=True)
    charge_and_pay(register=odd, at=utc(2024, 5, 2, 15), amount="2.00", patron=koha.patron,
                   manager=koha.staff)
    cashup(register=koha.register, at=utc(2024, 5, 2, 3, 5), manager=koha.staff)  # 23:05 EDT

    html = finance_client.get("/registers/?from=2024-04-30&to=2024-05-02&archived=on"
                              "&payment_type=CASH").content.decode()

    rows = {r["attrs"]["data-register"]: r for r in table_rows(html, "overview-table")
            if "data-register" in r["attrs"]}
    assert rows[str(odd.id)]["attrs"]["class"] == "register archived"
    assert rows[str(odd.id)]["cells"][0] == "<b>Till & co</b> archived"
    assert "&lt;b&gt;Till &amp; co&lt;/b&gt;" in html and "<b>Till" not in html
    assert (f'href="/registers/{odd.id}/?from=2024-04-30&amp;to=2024-05-02'
            '&amp;payment_type=CASH"') in html
    assert rows[str(koha.register.id)]["cells"][-1] == "1 May 23:05"
    assert rows[str(koha.other_register.id)]["cells"][-1] == "never"
