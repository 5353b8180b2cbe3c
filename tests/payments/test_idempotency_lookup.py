"""The look-up before an intake: one query for the key and the external id together, none when
the request carries neither; the key decides before the external id."""
import pytest

from payments import exceptions as err
from payments.services.idempotency import previous_intake


def lookup(client, key=None, external_id=None, request_hash="h"):
    return previous_intake(client=client, idempotency_key=key, external_id=external_id,
                           request_hash=request_hash)


def test_no_key_and_no_reference_asks_nothing(kiosk, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert lookup(kiosk.client) is None


def test_key_and_reference_are_looked_up_together(kiosk, pay, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert lookup(kiosk.client, key="k", external_id="e") is None


def test_the_key_decides_before_the_reference(kiosk, pay):
    from payments.models import Intake

    first = pay(key="key-A", external_id="ref-A").json()
    second = pay(key="key-B", external_id="ref-B").json()
    stored = Intake.objects.get(idempotency_key="key-A")
    replayed = lookup(kiosk.client, key="key-A", external_id="ref-B",
                      request_hash=stored.request_hash)
    assert replayed.replayed and replayed.payment_id == first["payment_id"]
    with pytest.raises(err.IdempotencyKeyReused):
        lookup(kiosk.client, key="key-A", external_id="ref-B", request_hash="other")
    with pytest.raises(err.DuplicateExternalId) as refused:
        lookup(kiosk.client, key="key-C", external_id="ref-B")
    assert refused.value.extra == {"payment_id": second["payment_id"]}
