"""Safe retries of a sale, exactly as for payments: the same Idempotency-Key and body replay the
first answer and write nothing; the same key with another body is 422; an external_id is
unique per client across payments and sales (409 naming what holds it). Then the reads: one
sale by id, ``?external_id=``, only the client's own and only at their register."""
import pytest

from koha.models import AccountLine
from payments.models import Intake
from payments.services.clients import create_api_client
from tests.helpers import (
    assert_refused,
    bearer_client,
    get_token,
    payments_url,
    row_counts,
    sale_body,
    sales_url,
)


def test_a_retry_with_the_same_key_replays_the_first_answer(sell):
    first = sell(key="k-1", external_id="s-1")
    before = row_counts()
    again = sell(key="k-1", external_id="s-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert again["Location"] == first["Location"]
    assert row_counts() == before


def test_the_same_request_written_differently_is_the_same_request(sell):
    first = sell(sale_body(("PRINT", "0.20", 12)), key="k-2")
    again = sell(sale_body(("PRINT", 0.2, 12)), key="k-2")
    assert again["Idempotent-Replayed"] == "true" and again.content == first.content


@pytest.mark.parametrize("change", [
    {"payment_type": "SIP01"}, {"items": [{"debit_type": "PRINT", "price": "0.20",
                                           "quantity": 13}]}])
def test_the_same_key_with_another_body_is_422(sell, change):
    assert sell(key="k-3").status_code == 201
    before = row_counts()
    assert_refused(sell(key="k-3", **change), 422, "idempotency_key_reused", before)


def test_the_same_key_at_another_register_is_422(koha, sell):
    from tests.factories import CashRegisterFactory

    lobby = CashRegisterFactory(name="Lobby", library=koha.cpl)
    assert sell(key="k-4").status_code == 201
    before = row_counts()
    assert_refused(sell(key="k-4", register_id=lobby.pk), 422, "idempotency_key_reused", before)


def test_a_key_used_for_a_payment_is_not_reused_for_a_sale(sell, pay):
    assert pay(key="shared").status_code == 201
    before = row_counts()
    assert_refused(sell(key="shared"), 422, "idempotency_key_reused", before)


def test_a_second_sale_with_the_same_external_id_is_409(sell):
    sale_id = sell(external_id="s-5").json()["sale_id"]
    before = row_counts()
    body = assert_refused(sell(sale_body(("COPYCARD", 5, 1)), external_id="s-5"), 409,
                          "duplicate_external_id", before)
    assert body["sale_id"] == sale_id
    assert body["error"] == f"This client already recorded sale {sale_id} with external_id 's-5'."


def test_external_ids_are_unique_across_payments_and_sales(sell, pay):
    payment_id = pay(external_id="ref-9").json()["payment_id"]
    before = row_counts()
    body = assert_refused(sell(external_id="ref-9"), 409, "duplicate_external_id", before)
    assert body["payment_id"] == payment_id and "sale_id" not in body
    sale_id = sell(external_id="ref-10").json()["sale_id"]
    body = assert_refused(pay(external_id="ref-10"), 409, "duplicate_external_id", row_counts())
    assert body["sale_id"] == sale_id


def test_another_client_may_use_the_same_key_and_external_id(koha, sell):
    assert sell(key="k-6", external_id="s-6").status_code == 201
    other = create_api_client(name="Other kiosk", staff_patron_id=51, library_ids=["CPL"])
    response = sell(key="k-6", external_id="s-6", api=bearer_client(get_token(other)))
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert Intake.objects.filter(kind="sale").count() == 2


# --- reads --------------------------------------------------------------------------------------
def test_a_sale_reads_back_as_its_201(sell, kiosk):
    created = sell(external_id="s-7")
    found = kiosk.api.get(created["Location"])
    assert found.status_code == 200 and found.content == created.content


def test_a_sale_is_found_by_external_id(sell, kiosk):
    created = sell(external_id="s-8").json()
    sell(external_id="s-9")
    listed = kiosk.api.get(sales_url(1), {"external_id": "s-8"})
    assert listed.status_code == 200 and listed.json() == [created]
    assert kiosk.api.get(sales_url(1), {"external_id": "nope"}).json() == []
    assert [s["external_id"] for s in kiosk.api.get(sales_url(1)).json()] == ["s-9", "s-8"]


def test_reads_show_only_the_clients_own_sales_at_that_register(koha, sell, kiosk):
    sale_id = sell(external_id="s-10").json()["sale_id"]
    other = bearer_client(get_token(create_api_client(name="Other", staff_patron_id=51,
                                                      library_ids=["CPL", "MPL"])))
    for api, register, status in [(other, 1, 404), (kiosk.api, koha.other_register.pk, 404),
                                  (kiosk.api, 1, 200)]:
        assert api.get(sales_url(register, sale_id)).status_code == status
    assert other.get(sales_url(1), {"external_id": "s-10"}).json() == []
    not_found = kiosk.api.get(sales_url(1, sale_id + 1000))
    assert not_found.json() == {"error": "Sale not found.", "error_code": "sale_not_found"}


def test_a_payments_id_is_no_sale_and_a_sale_is_no_payment(sell, pay, kiosk):
    payment_id = pay().json()["payment_id"]
    sale_id = sell().json()["sale_id"]
    assert kiosk.api.get(sales_url(1, payment_id)).status_code == 404
    assert kiosk.api.get(payments_url(42, sale_id)).status_code == 404
    assert [p["payment_id"] for p in kiosk.api.get(payments_url(42)).json()] == [payment_id]


@pytest.mark.parametrize("query", [{"external_id": ""}, {"external_id": "x" * 101}])
def test_a_bad_external_id_query_is_400(sell, kiosk, query):
    response = kiosk.api.get(sales_url(1), query)
    assert response.status_code == 400 and response.json()["error_code"] == "invalid_external_id"


def test_nothing_is_ever_written_by_a_read(sell, kiosk):
    sale_id = sell().json()["sale_id"]
    before = row_counts(), list(AccountLine.objects.values_list("timestamp", flat=True))
    kiosk.api.get(sales_url(1, sale_id))
    kiosk.api.get(sales_url(1))
    assert (row_counts(), list(AccountLine.objects.values_list("timestamp", flat=True))) == before
