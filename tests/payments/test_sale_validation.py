"""Hostile and malformed sale bodies: every one a 4xx in Koha's shape (never a 5xx) that writes
nothing, its error_code saying what is wrong and ``errors`` pointing at it."""
import json

import pytest

from tests.helpers import assert_refused, row_counts, sale_body, sales_url

ITEM = {"debit_type": "PRINT", "price": "0.20", "quantity": 12}


def with_item(**changes) -> dict:
    item = {key: value for key, value in {**ITEM, **changes}.items() if value is not ...}
    return {"payment_type": "CASH", "items": [item]}


CASES = [
    # (body, status, error_code, path of the first problem)
    ({"payment_type": "CASH", "items": "PRINT"}, 400, "invalid_items", "/body/items"),
    ({"payment_type": "CASH", "items": ITEM}, 400, "invalid_items", "/body/items"),
    ({"payment_type": "CASH", "items": []}, 400, "invalid_items", "/body/items"),
    ({"payment_type": "CASH", "items": [ITEM] * 101}, 400, "invalid_items", "/body/items"),
    ({"payment_type": "CASH", "items": ["PRINT"]}, 400, "invalid_items", "/body/items/0"),
    ({"payment_type": "CASH", "items": None}, 400, "invalid_items", "/body/items"),
    ({"payment_type": "CASH"}, 400, "invalid_items", "/body/items"),
    (with_item(quantity=-1), 400, "invalid_items", "/body/items/0/quantity"),
    (with_item(quantity=0), 400, "invalid_items", "/body/items/0/quantity"),
    (with_item(quantity=10000), 400, "invalid_items", "/body/items/0/quantity"),
    (with_item(quantity=2.5), 400, "invalid_items", "/body/items/0/quantity"),
    (with_item(quantity="3"), 400, "invalid_items", "/body/items/0/quantity"),
    (with_item(quantity=True), 400, "invalid_items", "/body/items/0/quantity"),
    (with_item(quantity=...), 400, "invalid_items", "/body/items/0/quantity"),
    (with_item(price="0,20"), 400, "invalid_items", "/body/items/0/price"),
    (with_item(price="1e3"), 400, "invalid_items", "/body/items/0/price"),
    (with_item(price=0), 400, "invalid_items", "/body/items/0/price"),
    (with_item(price="-1.00"), 400, "invalid_items", "/body/items/0/price"),
    (with_item(price="0.0000001"), 400, "invalid_items", "/body/items/0/price"),
    (with_item(price="10000.01"), 400, "invalid_items", "/body/items/0/price"),
    (with_item(price=None), 400, "invalid_items", "/body/items/0/price"),
    (with_item(price=...), 400, "invalid_items", "/body/items/0/price"),
    (with_item(debit_type=5), 400, "invalid_items", "/body/items/0/debit_type"),
    (with_item(debit_type=""), 400, "invalid_items", "/body/items/0/debit_type"),
    (with_item(debit_type="X" * 81), 400, "invalid_items", "/body/items/0/debit_type"),
    (with_item(colour="red"), 400, "unknown_property", "/body/items/0/colour"),
    ({**sale_body(), "amount": 2.4}, 400, "unknown_property", "/body/amount"),
    ({**sale_body(), "payment_type": 1}, 400, "invalid_payment_type", "/body/payment_type"),
    ({"items": [ITEM]}, 400, "invalid_payment_type", "/body/payment_type"),
    ({**sale_body(), "external_id": ""}, 400, "invalid_external_id", "/body/external_id"),
    ({**sale_body(), "external_id": "tab\there"}, 400, "invalid_external_id",
     "/body/external_id"),
    ([ITEM], 400, "invalid_request", "/body"),
    ("PRINT", 400, "invalid_request", "/body"),
    # a total above KOHAPAY_MAX_AMOUNT (10000 in the tests), though each price is allowed
    (sale_body(("PRINT", "10000", 2)), 400, "total_too_large", "/body/items"),
]


@pytest.mark.parametrize("body, status, code, path", CASES)
def test_a_malformed_sale_is_refused_and_writes_nothing(sell, body, status, code, path):
    before = row_counts()
    answer = assert_refused(sell(body), status, code, before)
    assert answer["errors"][0]["path"] == path, answer


def test_ten_thousand_items_are_refused_before_any_is_read(kiosk, for_sale):
    body = json.dumps({"payment_type": "CASH", "items": [ITEM] * 10_000})
    before = row_counts()
    response = kiosk.api.post(sales_url(1), body, content_type="application/json")
    assert_refused(response, 413, "request_too_large", before)


def test_a_hundred_items_are_one_sale(sell):
    response = sell(sale_body(*[("PRINT", "0.10", n + 1) for n in range(100)]))
    assert response.status_code == 201
    assert len(response.json()["debits"]) == 100


@pytest.mark.parametrize("text", ['{"payment_type": "CASH", "items": [', "not json",
                                  '{"payment_type": "CASH", "items": [{"price": NaN}]}'])
def test_malformed_json_is_refused(kiosk, for_sale, text):
    before = row_counts()
    response = kiosk.api.post(sales_url(1), text, content_type="application/json")
    assert_refused(response, 400, "malformed_json", before)


@pytest.mark.parametrize("key", ["", "a b", "é", "x" * 256])
def test_a_bad_idempotency_key_is_refused(sell, key):
    before = row_counts()
    assert_refused(sell(key=key), 400, "invalid_idempotency_key", before)


def test_no_token_is_401(client, for_sale):
    before = row_counts()
    response = client.post(sales_url(1), sale_body(), content_type="application/json")
    assert_refused(response, 401, "unauthenticated", before)


def test_a_price_given_as_a_string_or_a_number_is_the_same_exact_amount(sell):
    as_text = sell(sale_body(("PRINT", "0.1", 3))).json(parse_float=str)
    as_number = sell(sale_body(("PRINT", 0.1, 3))).json(parse_float=str)
    assert as_text["total"] == as_number["total"] == "0.3"  # never 0.30000000000000004
