"""Concurrency at scale, with real threads, each on its own database connection, really
committing: 50 copies of one request, 200 distinct intakes for one patron from 16 threads, and
credit numbers allocated concurrently for many patrons. Each ends with the ledger audit."""
from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from django.utils import timezone

from koha.models import AccountLine, AccountOffset, CreditType, SystemPreference
from payments.models import Intake
from tests.factories import PatronFactory
from tests.helpers import ledger_is_clean, run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)

BODY = {"debit_type": "PRINT", "amount": "2.50", "payment_type": "CASH", "register_id": 1}


def test_fifty_concurrent_copies_of_one_request_make_one_payment(kiosk):
    requests = [{"body": BODY, "headers": {"HTTP_IDEMPOTENCY_KEY": "one-key"}}] * 50
    responses = run_concurrently(kiosk.token, requests)
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {201, 409}, statuses
    originals = [r for r in responses if r.status_code == 201 and "Idempotent-Replayed" not in r]
    replays = [r for r in responses if r.get("Idempotent-Replayed") == "true"]
    assert len(originals) == 1
    assert len(originals) + len(replays) + statuses.count(409) == 50
    assert all(r.json() == originals[0].json() for r in replays)
    assert Intake.objects.count() == 1 and AccountLine.objects.count() == 2
    assert AccountOffset.objects.count() == 3
    print(f"\n50 duplicates: 1 payment, {len(replays)} replays, {statuses.count(409)} 409s")
    assert "OK: no anomaly." in ledger_is_clean()


def test_two_hundred_intakes_from_sixteen_threads_for_one_patron(koha, kiosk):
    """Every one recorded; the balance (an earlier unpaid charge of 5.00) and every offset exact."""
    AccountLine.objects.create(patron_id=42, date=timezone.now(), amount=5, amountoutstanding=5,
                               debit_type_id="PRINT", interface="intranet", description="", note="")
    amounts = [Decimal(1 + i % 37) + Decimal(i) / 100 for i in range(200)]
    jobs = [{"headers": {"HTTP_IDEMPOTENCY_KEY": f"burst-{i}"}, "body": {**BODY, "amount": str(a)}}
            for i, a in enumerate(amounts)]
    responses = run_concurrently(kiosk.token, jobs, threads=16)
    assert [r.status_code for r in responses] == [201] * 200
    assert len({r.json()["payment_id"] for r in responses}) == 200
    payments = AccountLine.objects.filter(credit_type_id="PAYMENT")
    assert sorted(-p.amount for p in payments) == sorted(amounts)
    assert payments.filter(amountoutstanding=0, register_id=1).count() == 200
    balance = AccountLine.objects.filter(patron_id=42).aggregate(b=Sum("amountoutstanding"))["b"]
    assert balance == Decimal(5)  # the earlier charge is still owed, nothing else
    offsets = dict(AccountOffset.objects.values_list("type").annotate(n=Count("id")))
    assert offsets == {"CREATE": 400, "APPLY": 200}
    applied = AccountOffset.objects.filter(type="APPLY").aggregate(s=Sum("amount"))["s"]
    assert applied == -sum(amounts)
    assert all(r.json()["balance"] == Decimal(5) for r in responses)
    assert "200 intake(s)" in ledger_is_clean()


@pytest.mark.parametrize("number_format", ["incremental", "annual", "branchyyyymmincr"])
def test_concurrent_credit_numbers_are_unique(koha, kiosk, number_format):
    """16 threads, 16 patrons (no patron lock to serialise them): only the credit-number lock
    stands between them and Koha's MAX + 1 race."""
    CreditType.objects.filter(code="PAYMENT").update(credit_number_enabled=True)
    SystemPreference.objects.filter(variable="AutoCreditNumber").update(value=number_format)
    patrons = [PatronFactory(library=koha.cpl).pk for _ in range(16)]
    jobs = [{"headers": {"HTTP_IDEMPOTENCY_KEY": f"n{i}"}, "patron_id": patrons[i % 16],
             "body": BODY} for i in range(64)]
    responses = run_concurrently(kiosk.token, jobs, threads=16)
    assert [r.status_code for r in responses] == [201] * 64
    numbers = list(AccountLine.objects.filter(credit_type_id="PAYMENT")
                   .values_list("credit_number", flat=True))
    assert len(numbers) == 64 and len(set(numbers)) == 64, numbers
    counters = sorted(int(n[-4:]) if number_format != "incremental" else int(n) for n in numbers)
    assert counters == list(range(1, 65))
    assert "OK: no anomaly." in ledger_is_clean()
