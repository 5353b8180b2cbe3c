"""Koha's pagination on the discovery lists: _page, _per_page (default RESTdefaultPageSize, else
20; -1 for everything), X-Total-Count, X-Base-Total-Count and a Link header with prev, next,
first and last built as Koha builds them (the request's URL and other parameters kept).
Values that are no page or page size are a 400 in Koha's error shape."""
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.factories import CashRegisterFactory, DebitTypeFactory, PaymentTypeFactory
from tests.helpers import (
    DEBIT_TYPES_URL,
    PAYMENT_TYPES_URL,
    REGISTERS_URL,
    links,
    set_preference,
)


@pytest.fixture
def registers(koha):
    """Register 1 and 25 more at CPL, ids 101–125."""
    for n in range(101, 126):
        CashRegisterFactory(id=n, name=f"Till {n}", library=koha.cpl)
    return [1, *range(101, 126)]


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [r["cash_register_id"] for r in response.json()]


def query(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query))


def test_the_first_page_has_kohas_default_size_and_links(registers, kiosk):
    response = kiosk.api.get(REGISTERS_URL)
    assert ids(response) == registers[:20]
    assert (response["X-Total-Count"], response["X-Base-Total-Count"]) == ("26", "26")
    found = links(response)
    assert list(found) == ["next", "first", "last"]  # no prev on the first page
    assert query(found["next"]) == {"_page": "2", "_per_page": "20"}  # the default, written
    assert query(found["last"]) == {"_page": "2", "_per_page": "20"}
    assert found["first"] == "http://testserver/api/v1/cash_registers?_page=1&_per_page=20"


def test_a_middle_page_links_both_ways_keeping_the_other_parameters(registers, kiosk):
    response = kiosk.api.get(REGISTERS_URL + "?archived=false&_page=2&library_id=CPL"
                                             "&_per_page=10")
    assert ids(response) == registers[10:20]
    found = links(response)
    assert list(found) == ["prev", "next", "first", "last"]
    assert [query(found[rel])["_page"] for rel in found] == ["1", "3", "1", "3"]
    assert found["next"] == ("http://testserver/api/v1/cash_registers?archived=false&_page=3"
                             "&library_id=CPL&_per_page=10")  # in place, order kept
    assert response["Link"].count(">; rel=") == 4 and ", <" not in response["Link"]


def test_following_next_walks_every_row_once(registers, kiosk):
    seen, url = [], REGISTERS_URL + "?_per_page=7"
    while url:
        response = kiosk.api.get(url)
        seen += ids(response)
        url = links(response).get("next")
    assert seen == registers


def test_per_page_minus_one_is_everything_on_one_page(registers, kiosk):
    for params in ({"_per_page": "-1"}, {"_per_page": "-1", "_page": "100"}):
        response = kiosk.api.get(REGISTERS_URL, params)
        assert ids(response) == registers
        found = links(response)
        assert list(found) == ["first", "last"]
        assert query(found["first"]) == query(found["last"]) == {"_page": "1",
                                                                 "_per_page": "-1"}


def test_a_page_past_the_end_is_empty_with_a_way_back(registers, kiosk):
    response = kiosk.api.get(REGISTERS_URL, {"_page": "9", "_per_page": "10"})
    assert ids(response) == [] and response["X-Total-Count"] == "26"
    found = links(response)
    assert list(found) == ["prev", "first", "last"]
    assert (query(found["prev"])["_page"], query(found["last"])["_page"]) == ("8", "3")


def test_no_rows_is_one_empty_page(koha, kiosk):
    response = kiosk.api.get(REGISTERS_URL, {"archived": "true"})
    assert ids(response) == [] and response["X-Total-Count"] == "0"
    assert response["X-Base-Total-Count"] == "1"
    assert {rel: query(url)["_page"] for rel, url in links(response).items()} == {
        "first": "1", "last": "1"}


def test_kohas_rest_default_page_size_sets_the_default(registers, kiosk):
    set_preference("RESTdefaultPageSize", "5")
    response = kiosk.api.get(REGISTERS_URL)
    assert ids(response) == registers[:5]
    assert query(links(response)["last"]) == {"_page": "6", "_per_page": "5"}
    set_preference("RESTdefaultPageSize", "lots")  # no page size: Koha's 20
    assert len(ids(kiosk.api.get(REGISTERS_URL))) == 20


@pytest.mark.parametrize("url", [DEBIT_TYPES_URL, PAYMENT_TYPES_URL])
def test_the_type_lists_paginate_alike(koha, kiosk, url):
    for n in range(12):
        DebitTypeFactory(code=f"SALE{n:02d}")
        PaymentTypeFactory(authorised_value=f"PAY{n:02d}", lib=f"Pay {n:02d}")
    everything = kiosk.api.get(url, {"_per_page": "-1"}).json()
    first, second = kiosk.api.get(url, {"_per_page": "4"}), kiosk.api.get(
        url, {"_per_page": "4", "_page": "2"})
    assert first.json() + second.json() == everything[:8]
    assert first["X-Total-Count"] == str(len(everything))
    assert query(links(first)["last"])["_page"] == str(-(-len(everything) // 4))


BAD_PAGES = ["0", "-1", "abc", "1.5", "", " 1", "+1", "2147483648", "1e3", "１"]
BAD_SIZES = ["0", "-2", "abc", "2.0", "", "2147483648", "99999999999999999999", "-1.0"]


@pytest.mark.parametrize("value", BAD_PAGES)
def test_a_bad_page_is_a_400(koha, kiosk, value):
    response = kiosk.api.get(REGISTERS_URL, {"_page": value})
    assert response.status_code == 400
    body = response.json()
    assert body["error_code"] == "invalid_page"
    assert body["errors"] == [{"message": body["error"], "path": "/query/_page"}]


@pytest.mark.parametrize("value", BAD_SIZES)
@pytest.mark.parametrize("url", [REGISTERS_URL, DEBIT_TYPES_URL, PAYMENT_TYPES_URL])
def test_a_bad_page_size_is_a_400(koha, kiosk, url, value):
    response = kiosk.api.get(url, {"_per_page": value})
    assert response.status_code == 400
    assert response.json()["error_code"] == "invalid_per_page"


def test_the_largest_page_is_answered_not_failed(registers, kiosk):
    response = kiosk.api.get(REGISTERS_URL, {"_page": "2147483647", "_per_page": "2147483647"})
    assert ids(response) == [] and response["X-Total-Count"] == "26"
