"""Hostile or careless requests to the discovery routes: every answer is a 4xx in Koha's error
shape, never a 5xx; Koha's own query language is refused rather than silently ignored; the
routes are rate-limited, authenticated and read-only like the intake."""
import pytest

from tests.helpers import (
    DEBIT_TYPES_URL,
    PAYMENT_TYPES_URL,
    REGISTERS_URL,
    account_url,
)

LISTS = [REGISTERS_URL, DEBIT_TYPES_URL, PAYMENT_TYPES_URL]
HOSTILE_QUERIES = [
    "library_id=", "library_id=%00", "library_id=CPL%00", "library_id=%0aCPL", "library_id=%ff",
    "library_id=ABCDEFGHIJK", "library_id=" + "x" * 5000, "library_id=%27%20OR%201%3D1--",
    "library_id=%F0%9F%92%A5", "library_id=..%2F..", "archived=maybe", "archived=TRUE",
    "archived=1", "archived=", "archived=true&archived=yes", "can_be_sold=yes",
    "can_be_sold=%00", "_page=%00", "_page=1e400", "_per_page=NaN", "_per_page=-0x1",
    "_page=" + "9" * 500, "q=%7B%7D", "_order_by=name", "_match=exact", "q=",
    "library_id[]=CPL&library_id=", "%00=1&library_id=%00",
]


def assert_koha_error(response, status=None):
    assert 400 <= response.status_code < 500, (response.status_code, response.content)
    if status is not None:
        assert response.status_code == status, response.content
    body = response.json()
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["error_code"], str) and body["error_code"]
    return body


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_query_strings_are_4xx_never_5xx(koha, kiosk, url, query):
    response = kiosk.api.get(f"{url}?{query}")
    if response.status_code != 200:  # e.g. can_be_sold on a route that has none: ignored
        assert_koha_error(response, 400)


UNSUPPORTED = "unsupported_query_parameter"


@pytest.mark.parametrize("query, code", [
    ("archived=maybe", "invalid_archived"), ("library_id=", "invalid_library_id"),
    ("library_id=%00", "invalid_library_id"), ("library_id=ABCDEFGHIJK", "invalid_library_id"),
    ("library_id=%27%20OR%201%3D1--", "unknown_library"), ("q=%7B%7D", UNSUPPORTED),
    ("_order_by=-name", UNSUPPORTED), ("_match=exact", UNSUPPORTED),
])
def test_each_refusal_names_its_reason_and_where(koha, kiosk, query, code):
    body = assert_koha_error(kiosk.api.get(f"{REGISTERS_URL}?{query}"), 400)
    assert body["error_code"] == code
    if code != "unknown_library":
        assert body["errors"][0]["path"].startswith("/query/")


def test_can_be_sold_must_be_true_or_false(koha, kiosk):
    for value in ("yes", "1", "True", ""):
        body = assert_koha_error(kiosk.api.get(DEBIT_TYPES_URL, {"can_be_sold": value}), 400)
        assert body["error_code"] == "invalid_can_be_sold"


@pytest.mark.parametrize("path", [
    "/api/v1/patrons/%00/account", "/api/v1/patrons/42%20/account",
    "/api/v1/patrons/" + "9" * 300 + "/account", "/api/v1/patrons/-42/account",
    "/api/v1/patrons/42/account/", "/api/v1/cash_registers/", "/api/v1/debit_types/x",
])
def test_hostile_paths_are_4xx(koha, kiosk, path):
    assert_koha_error(kiosk.api.get(path))


@pytest.mark.parametrize("url", [*LISTS, account_url(42)])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_routes_only_read(koha, kiosk, url, method):
    body = assert_koha_error(getattr(kiosk.api, method)(url, {}, format="json"), 405)
    assert body["error_code"] == "method_not_allowed"


@pytest.mark.parametrize("url", [*LISTS, account_url(42)])
def test_no_token_or_a_bad_one_is_401(koha, client, url):
    assert assert_koha_error(client.get(url), 401)["error_code"] == "unauthenticated"
    bad = client.get(url, HTTP_AUTHORIZATION="Bearer not-a-token")
    assert assert_koha_error(bad, 401)["error_code"] == "invalid_token"


@pytest.mark.parametrize("url", [*LISTS, account_url(42)])
def test_the_routes_are_rate_limited_per_client(koha, kiosk, settings, one_minute_window, url):
    settings.KOHAPAY_API_RATE = "3/min"
    assert [kiosk.api.get(url).status_code for _ in range(3)] == [200] * 3
    refused = kiosk.api.get(url)
    assert assert_koha_error(refused, 429)["error_code"] == "rate_limited"
    assert int(refused["Retry-After"]) >= 1
