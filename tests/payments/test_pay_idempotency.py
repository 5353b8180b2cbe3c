"""A payment of existing debits is retried, read back and looked up exactly as a charge: the
same Idempotency-Key replays the original body and writes nothing, GET by id and
``?external_id=`` answer the 201's body, and kohapay records it as an intake of kind ``pay``."""
from decimal import Decimal as D

import simplejson
from django.db.models import Q

from koha.models import AccountLine, AccountOffset
from payments.models import Intake
from payments.responses import PaymentOfDebitsResultSerializer, payment_response_body
from payments.services.clients import create_api_client
from tests.helpers import bearer_client, get_token, pay_body, payments_url, row_counts


def test_the_same_key_replays_the_original_and_writes_nothing(debts, pay):
    body = pay_body("7.50", debts.hobbit.pk, debts.dune.pk, external_id="kiosk1-000124")
    created = pay(body, key="5f0c9a2e-kiosk1-000124")
    assert created.status_code == 201 and "Idempotent-Replayed" not in created
    AccountLine.objects.filter(pk=debts.dune.pk).update(amountoutstanding=0)  # Koha, later
    before = row_counts()
    replayed = pay(body, key="5f0c9a2e-kiosk1-000124")
    assert replayed.status_code == 201 and replayed["Idempotent-Replayed"] == "true"
    assert replayed.content == created.content
    assert replayed["Location"] == created["Location"]
    assert row_counts() == before


def test_get_and_external_id_answer_the_201s_body(debts, kiosk, pay):
    created = pay(pay_body("6", debts.dune.pk, external_id="kiosk1-000125"))
    fetched = kiosk.api.get(created["Location"])
    assert fetched.status_code == 200 and fetched.content == created.content
    assert created["Location"] == payments_url(42, created.json()["payment_id"])
    listed = kiosk.api.get(payments_url(), {"external_id": "kiosk1-000125"})
    assert listed.json() == [created.json()]


def test_both_kinds_are_listed_newest_first_and_only_to_their_client(debts, kiosk, pay):
    charged = pay(external_id="charge-1").json()
    paid = pay(pay_body("1.50", debts.card.pk, external_id="pay-1")).json()
    assert kiosk.api.get(payments_url()).json() == [paid, charged]
    other = bearer_client(get_token(create_api_client(name="Other kiosk", staff_patron_id=51,
                                                      library_ids=["CPL"])))
    assert other.get(payments_url(42, paid["payment_id"])).status_code == 404
    assert other.get(payments_url(), {"external_id": "pay-1"}).json() == []


def test_the_intake_record_is_of_kind_pay_without_a_debit(debts, kiosk, pay):
    paid = pay(pay_body("5", debts.hobbit.pk, external_id="pay-2"), key="k-2").json()
    intake = Intake.objects.get(external_id="pay-2")
    assert (intake.kind, intake.debit_id, intake.payment_id, intake.patron_id) == (
        "pay", None, paid["payment_id"], 42)
    assert (intake.client_id, intake.idempotency_key, intake.response_status) == (
        kiosk.client.pk, "k-2", 201)
    assert intake.response_body == paid
    charged = pay(external_id="charge-2").json()
    assert Intake.objects.get(external_id="charge-2").kind == "charge"
    assert Intake.objects.get(external_id="charge-2").debit_id == charged["debit"][
        "account_line_id"]


def test_direct_body_is_what_the_serializers_render(debts, pay):
    body = pay(pay_body("6.000001", debts.dune.pk, note="n", description="d")).json()
    credit = AccountLine.objects.get(pk=body["payment_id"])
    debits = [AccountLine.objects.get(pk=d["account_line_id"]) for d in body["debits"]]
    offsets = list(AccountOffset.objects.filter(Q(credit=credit)).order_by("id"))
    rows = {"patron_id": 42, "external_id": None, "balance": D("4.499999"), "credit": credit,
            "debits": debits, "offsets": offsets}
    documented = PaymentOfDebitsResultSerializer({"payment_id": credit.pk, **rows}).data
    assert simplejson.dumps(payment_response_body(**rows), use_decimal=True) == \
        simplejson.dumps(documented, use_decimal=True)
    assert body["balance"] == 4.499999
