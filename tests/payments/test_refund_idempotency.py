"""Safe retries of a refund, as everywhere: the same Idempotency-Key and body replay the first
answer and write nothing (even when nothing is left to refund by then); the same key with
another body, another payment or another route is 422; a refund is never listed as a payment."""
import pytest

from payments.models import Intake
from tests.helpers import assert_refused, payments_url, row_counts


@pytest.fixture
def paid(pay):
    return pay().json()["payment_id"]


def test_a_retry_replays_the_first_refund(paid, refund):
    first = refund(payment_id=paid, key="r-1", amount="1.00", reason="jam")
    before = row_counts()
    again = refund(payment_id=paid, key="r-1", amount="1", reason="jam")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert row_counts() == before


def test_a_retry_of_refund_everything_replays_even_when_nothing_is_left(paid, refund):
    first = refund(payment_id=paid, key="r-2")
    assert refund(payment_id=paid, key="r-2").content == first.content
    assert refund(payment_id=paid).json()["error_code"] == "amount_exceeds_refundable"


@pytest.mark.parametrize("change", [{"amount": "2"}, {"payout_type": "SIP01"},
                                    {"reason": "other"}, {"cash_register_id": 1}])
def test_the_same_key_with_another_body_is_422(paid, refund, change):
    assert refund(payment_id=paid, key="r-3", amount="1").status_code == 201
    before = row_counts()
    assert_refused(refund(payment_id=paid, key="r-3", **{"amount": "1", **change}), 422,
                   "idempotency_key_reused", before)


def test_a_key_is_one_request_across_routes(paid, pay, sell, refund):
    other = pay(amount="1").json()["payment_id"]
    sale = sell().json()["sale_id"]
    assert refund(payment_id=paid, key="r-4").status_code == 201
    before = row_counts()
    assert_refused(refund(payment_id=other, key="r-4"), 422, "idempotency_key_reused", before)
    assert_refused(refund(sale_id=sale, key="r-4"), 422, "idempotency_key_reused", before)
    assert_refused(pay(key="r-4"), 422, "idempotency_key_reused", before)


def test_refunds_are_not_payments(paid, refund, kiosk):
    assert refund(payment_id=paid).status_code == 201
    listed = kiosk.api.get(payments_url(42)).json()
    assert [p["payment_id"] for p in listed] == [paid] and "refunds" not in listed[0]
    assert kiosk.api.get(payments_url(42, paid)).json()["payment_id"] == paid
    assert Intake.objects.filter(kind="refund", payment_id=paid).count() == 1
