"""GET /api/v1/cash_registers/{id}/daily_totals — the register page's figures for tools."""
import base64
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from drf_spectacular.generators import SchemaGenerator

from registers.selectors import DayRange, local_today
from tests.factories import busy_days, charge_and_pay
from tests.helpers import utc

URL = "/api/v1/cash_registers/{}/daily_totals"


def basic(username, password="pw-for-tests-only"):
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def test_daily_totals_with_http_basic(koha, client, auditor):
    days = DayRange(date(2024, 4, 30), date(2024, 5, 2))
    busy_days(koha, days.days[1:], per_day=3)

    response = client.get(URL.format(koha.register.id), {"from": "2024-04-30", "to": "2024-05-02"},
                          **basic("audrey"))

    assert response.status_code == 200
    body = response.json(parse_float=Decimal)
    assert (body["cash_register_id"], body["library_id"], body["time_zone"]) == (1, "CPL", "UTC")
    assert [d["date"] for d in body["days"]] == ["2024-04-30", "2024-05-01", "2024-05-02"]
    zero = Decimal("0.00")
    assert body["days"][0] == {"date": "2024-04-30", "income": zero, "payouts": zero,
                               "net": zero, "count": 0, "by_payment_type": [],
                               "settlements": []}
    with connection.cursor() as cursor:
        cursor.execute("SELECT -SUM(amount), COUNT(*) FROM accountlines WHERE register_id = 1"
                       " AND date >= %s AND date < %s", [days.start, days.end])
        net, count = cursor.fetchone()
    assert (body["total"]["net"], body["total"]["count"]) == (net, count)
    assert sum(d["net"] for d in body["days"]) == net
    types = {t["payment_type"]: t for t in body["total"]["by_payment_type"]}
    assert types["SIP01"]["label"] == "Visa via SIP2"
    assert sum(t["total"] for t in types.values()) == net


def test_amounts_are_exact_json_numbers(koha, client, auditor):
    charge_and_pay(register=koha.register, at=utc(2024, 5, 2, 10), amount="0.10",
                   patron=koha.patron, manager=koha.staff)
    charge_and_pay(register=koha.register, at=utc(2024, 5, 2, 11), amount="0.20",
                   patron=koha.patron, manager=koha.staff)

    raw = client.get(URL.format(1), {"from": "2024-05-02", "to": "2024-05-02"},
                     **basic("audrey")).content.decode()

    assert '"net":0.30' in raw


def test_session_of_a_logged_in_finance_user_works(koha, finance_client):
    assert finance_client.get(URL.format(1)).status_code == 200  # default: the last 30 days


def test_default_range_is_the_last_30_days(koha, finance_client):
    body = finance_client.get(URL.format(1)).json()

    assert len(body["days"]) == 30
    assert body["to"] == body["days"][-1]["date"] == local_today().isoformat()


@pytest.mark.parametrize("headers", [{}, {"HTTP_AUTHORIZATION": "Bearer some-kiosk-token"}])
def test_anonymous_and_kiosk_tokens_are_401(koha, client, headers):
    response = client.get(URL.format(1), **headers)

    assert response.status_code == 401
    assert response.json()["error_code"] == "unauthenticated"
    assert response["WWW-Authenticate"].startswith("Basic")


def test_wrong_password_is_401(koha, client, auditor):
    response = client.get(URL.format(1), **basic("audrey", "wrong"))

    assert response.status_code == 401
    assert response.json()["error_code"] == "invalid_credentials"


def test_a_user_outside_the_groups_is_403(koha, client, make_user):
    make_user("visitor")

    response = client.get(URL.format(1), **basic("visitor"))

    assert response.status_code == 403
    assert response.json()["error_code"] == "forbidden"


def test_a_restricted_user_gets_404_for_another_librarys_register(koha, client, make_user):
    make_user("mia", "Auditors", libraries=["MPL"])

    assert client.get(URL.format(koha.register.id), **basic("mia")).status_code == 404
    assert client.get(URL.format(koha.other_register.id), **basic("mia")).status_code == 200


@pytest.mark.parametrize("query, path", [
    ({"from": "2024-13-01"}, "/query/from"),
    ({"to": "soon"}, "/query/to"),
    ({"from": "2024-05-02", "to": "2024-05-01"}, "/query/from"),
    ({"from": "2023-01-01", "to": "2024-05-01"}, "/query/from"),
])
def test_bad_dates_are_400_in_kohas_shape(koha, client, auditor, query, path):
    response = client.get(URL.format(1), query, **basic("audrey"))

    assert response.status_code == 400
    body = response.json()
    assert body["error_code"] == "invalid_request"
    assert [e["path"] for e in body["errors"]] == [path]


def test_unknown_register_is_404_and_writes_are_405(koha, client, auditor):
    missing = client.get(URL.format(999), **basic("audrey"))
    assert missing.status_code == 404 and missing.json()["error_code"] == "not_found"
    assert client.post(URL.format(1), **basic("audrey")).status_code == 405


def test_the_endpoint_is_documented(db):
    schema = SchemaGenerator().get_schema(request=None, public=True)

    operation = schema["paths"]["/api/v1/cash_registers/{cash_register_id}/daily_totals"]["get"]
    assert operation["operationId"] == "getCashRegisterDailyTotals"
    assert set(operation["responses"]) == {"200", "400", "401", "403", "404", "429", "503"}
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    assert {"dashboardBasicAuth": []} in operation["security"]
    assert "DailyTotalsResponse" in schema["components"]["schemas"]
