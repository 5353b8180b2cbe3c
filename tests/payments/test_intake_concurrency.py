"""Concurrent requests from real threads, each on its own database connection, really committing:
duplicates never make a second payment, distinct intakes for one patron all land exactly, and
credit numbers stay unique."""
from decimal import Decimal

import pytest
from django.db.models import Sum

from koha.models import AccountLine, AccountOffset, CreditType, SystemPreference
from payments.models import Intake
from tests.helpers import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)

BODY = {"debit_type": "PRINT", "amount": "2.50", "payment_type": "CASH", "register_id": 1}


def test_twenty_concurrent_duplicates_make_one_payment(kiosk):
    requests = [{"body": BODY, "headers": {"HTTP_IDEMPOTENCY_KEY": "same-key"}}] * 20
    responses = run_concurrently(kiosk.token, requests)
    assert [r.status_code for r in responses] == [201] * 20
    originals = [r for r in responses if "Idempotent-Replayed" not in r]
    assert len(originals) == 1
    assert {r.content for r in responses} == {originals[0].content}
    assert AccountLine.objects.count() == 2 and Intake.objects.count() == 1
    assert AccountOffset.objects.count() == 3


def test_concurrent_duplicate_external_ids_make_one_payment(kiosk):
    requests = [{"body": {**BODY, "external_id": "gw-1"}}] * 10
    responses = run_concurrently(kiosk.token, requests)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 9
    payment_id = next(r for r in responses if r.status_code == 201).json()["payment_id"]
    assert all(r.json()["payment_id"] == payment_id for r in responses if r.status_code == 409)
    assert AccountLine.objects.count() == 2


def test_concurrent_distinct_intakes_for_one_patron_all_land(kiosk):
    amounts = [Decimal("0.1") * (i + 1) for i in range(12)]
    requests = [{"body": {**BODY, "amount": str(a)}, "headers": {"HTTP_IDEMPOTENCY_KEY": f"k{i}"}}
                for i, a in enumerate(amounts)]
    responses = run_concurrently(kiosk.token, requests)
    assert [r.status_code for r in responses] == [201] * 12
    assert AccountLine.objects.count() == 24
    balance = AccountLine.objects.filter(patron_id=42).aggregate(b=Sum("amountoutstanding"))["b"]
    assert balance == 0
    assert sorted(-line.amount for line in AccountLine.objects.filter(
        credit_type_id="PAYMENT")) == amounts
    applied = AccountOffset.objects.filter(type="APPLY").aggregate(s=Sum("amount"))["s"]
    assert applied == -sum(amounts)


def test_concurrent_credit_numbers_are_unique(kiosk):
    CreditType.objects.filter(code="PAYMENT").update(credit_number_enabled=True)
    SystemPreference.objects.filter(variable="AutoCreditNumber").update(value="incremental")
    requests = [{"body": BODY, "headers": {"HTTP_IDEMPOTENCY_KEY": f"n{i}"}} for i in range(10)]
    responses = run_concurrently(kiosk.token, requests)
    assert [r.status_code for r in responses] == [201] * 10
    numbers = sorted(int(n) for n in AccountLine.objects.filter(credit_type_id="PAYMENT")
                     .values_list("credit_number", flat=True))
    assert numbers == list(range(1, 11))
