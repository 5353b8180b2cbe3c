"""Safe retries: replay, reuse with another body, duplicate external ids, and keys scoped to
the client and compared byte for byte."""
from koha.models import AccountLine
from payments.models import Intake
from payments.services.clients import create_api_client
from tests.helpers import bearer_client, get_token, row_counts


def test_same_key_same_request_replays_and_writes_nothing(kiosk, pay):
    first = pay(key="key-1")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    before = row_counts()
    again = pay(key="key-1")
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert again["Location"] == first["Location"]
    assert row_counts() == before


def test_same_request_in_another_spelling_is_a_replay(kiosk, pay):
    first = pay({"debit_type": "PRINT", "amount": "2.50", "payment_type": "CASH",
                 "register_id": 1, "description": ""}, key="k")
    again = pay({"payment_type": "CASH", "register_id": 1, "amount": 2.5,
                 "debit_type": "PRINT"}, key="k")
    assert again["Idempotent-Replayed"] == "true" and again.content == first.content


def test_same_key_different_body_is_422(kiosk, pay):
    assert pay(key="key-2").status_code == 201
    before = row_counts()
    response = pay(key="key-2", amount="3.00")
    assert response.status_code == 422
    assert response.json()["error_code"] == "idempotency_key_reused"
    assert row_counts() == before
    other_patron = pay(key="key-2", patron_id=51)
    assert other_patron.status_code == 422


def test_only_successes_are_remembered(kiosk, pay):
    refused = pay(key="key-3", payment_type="BITCOIN")
    assert refused.status_code == 400
    corrected = pay(key="key-3")
    assert corrected.status_code == 201 and "Idempotent-Replayed" not in corrected


def test_keys_are_scoped_to_the_client(koha, kiosk, pay):
    other = bearer_client(get_token(create_api_client(
        name="Kiosk 2", staff_patron_id=51, library_ids=["CPL"])))
    assert pay(key="shared").status_code == 201
    response = pay(key="shared", api=other)
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert Intake.objects.count() == 2


def test_keys_are_compared_byte_for_byte(kiosk, pay):
    assert pay(key="Key-A").status_code == 201
    response = pay(key="key-a")  # another key, even on a case-insensitive MariaDB collation
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert AccountLine.objects.count() == 4


def test_duplicate_external_id_without_the_key_is_409_with_the_payment(kiosk, pay):
    first = pay(external_id="gateway-123", key="a")
    before = row_counts()
    for key in (None, "b"):
        response = pay(external_id="gateway-123", key=key)
        assert response.status_code == 409
        body = response.json()
        assert body["error_code"] == "duplicate_external_id"
        assert body["payment_id"] == first.json()["payment_id"]
    assert row_counts() == before
    assert pay(external_id="gateway-123", key="a")["Idempotent-Replayed"] == "true"


def test_intake_record_links_request_and_rows(kiosk, pay):
    body = pay(key="audit", external_id="ref-9").json()
    intake = Intake.objects.get()
    assert (intake.client_id, intake.idempotency_key, intake.external_id) == (
        kiosk.client.pk, "audit", "ref-9")
    assert (intake.patron_id, intake.payment_id, intake.debit_id) == (
        42, body["payment_id"], body["debit"]["account_line_id"])
    assert len(intake.request_hash) == 64 and intake.response_body == body
