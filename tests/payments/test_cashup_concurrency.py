"""Cashups against each other and against payments, from real threads on their own connections,
really committing: two cashups of one register make one cashup and the other is told plainly; a
payment arriving during a cashup lands in exactly one session, whichever of them comes first."""
import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from koha.models import AccountLine, CashRegisterAction
from payments.cashups import exceptions as err
from payments.cashups import selectors as cashup_selectors
from payments.models import CashupCount
from payments.services import cashups, intake
from payments.services.cashups import record_cashup
from tests.factories import charge_and_pay
from tests.helpers import bearer_client, payments_url, run_in_threads

pytestmark = pytest.mark.django_db(transaction=True)

D = Decimal
BODY = {"debit_type": "PRINT", "amount": "2.50", "payment_type": "CASH", "register_id": 1}


def cash_up():
    try:
        return record_cashup(register_id=1, manager_id=51, counted={"CASH": D("10")})
    except err.CashupError as exc:
        return exc


def test_two_cashups_at_once_make_one_and_the_other_is_told(koha):
    charge_and_pay(register=koha.register, at=timezone.now() - timedelta(hours=1), amount="10",
                   patron=koha.patron, manager=koha.staff)

    results = run_in_threads(2, lambda i: cash_up())

    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], err.SessionChanged)
    assert "Someone else cashed up this register" in refused[0].message
    assert CashRegisterAction.objects.filter(code="CASHUP").count() == 1
    assert CashupCount.objects.count() == 2  # CASH and SIP00 of the one cashup


def session_cash(action) -> Decimal:
    """CASH expected by the cashup, as kohapay recorded it."""
    return CashupCount.objects.get(cashup__action_id=action.pk, payment_type="CASH").expected


def lines_after(action) -> Decimal:
    total = AccountLine.objects.filter(register_id=1, payment_type="CASH",
                                       date__gt=action.timestamp).aggregate(s=Sum("amount"))["s"]
    return -(total or 0)


def test_a_payment_dated_before_the_cashup_is_counted_in_it(koha, kiosk, monkeypatch):
    """The intake has dated its lines and is slow to write them; the cashup, starting
    meanwhile, waits for it (the register's row), so the payment is in the session it closes."""
    charge_and_pay(register=koha.register, at=timezone.now() - timedelta(hours=1), amount="10",
                   patron=koha.patron, manager=koha.staff)
    dated = threading.Event()
    slow = intake._allocate_credit_number

    def slow_write(plan, now):
        dated.set()
        time.sleep(1.0)
        return slow(plan, now)

    monkeypatch.setattr(intake, "_allocate_credit_number", slow_write)

    def work(index):
        if index == 0:
            return bearer_client(kiosk.token).post(payments_url(), BODY, format="json")
        dated.wait(10)
        return cash_up()

    payment, result = run_in_threads(2, work)

    assert payment.status_code == 201 and not isinstance(result, Exception), result
    action = CashRegisterAction.objects.get(code="CASHUP")
    assert session_cash(action) == D("12.5") and lines_after(action) == 0


def test_a_payment_arriving_while_the_cashup_writes_goes_to_the_next_session(koha, kiosk,
                                                                             monkeypatch):
    """The payment waits for the cashup (the register's row) and is dated after it — never in
    the cashup's own second, which would put it in no session at all."""
    charge_and_pay(register=koha.register, at=timezone.now() - timedelta(hours=1), amount="10",
                   patron=koha.patron, manager=koha.staff)
    locked = threading.Event()
    read = cashup_selectors.open_session

    def slow_read(register, **kw):
        locked.set()
        time.sleep(0.3)
        return read(register, **kw)

    monkeypatch.setattr(cashups, "open_session", slow_read)
    time.sleep(1.05 - time.time() % 1)  # early in a second: the cashup ends within it

    def work(index):
        if index == 0:
            return cash_up()
        locked.wait(10)
        return bearer_client(kiosk.token).post(payments_url(), BODY, format="json")

    result, payment = run_in_threads(2, work)

    assert payment.status_code == 201 and not isinstance(result, Exception), result
    action = CashRegisterAction.objects.get(code="CASHUP")
    assert session_cash(action) == D("10") and lines_after(action) == D("2.5")
    assert AccountLine.objects.get(credit_type_id="PAYMENT", amount=D("-2.5")).date > \
        action.timestamp


def test_a_retry_racing_its_original_replays_it(koha, kiosk):
    """Two requests with one Idempotency-Key at once: one cashup, both answered with it."""
    charge_and_pay(register=koha.register, at=timezone.now() - timedelta(hours=1), amount="10",
                   patron=koha.patron, manager=koha.staff)
    body = {"counted": [{"payment_type": "CASH", "amount": 10}]}

    def work(index):
        return bearer_client(kiosk.token).post("/api/v1/cash_registers/1/cashups", body,
                                               format="json", HTTP_IDEMPOTENCY_KEY="close-1")

    first, second = run_in_threads(2, work)

    assert first.status_code == second.status_code == 201, (first.content, second.content)
    assert first.json() == second.json()
    assert CashRegisterAction.objects.filter(code="CASHUP").count() == 1
