"""Cashups on a Koha with reconciliation (bug 40445: the CASHUP_SURPLUS credit type and the
CASHUP_DEFICIT debit type exist), column by column against spec §8.5 and Koha's
``Koha::Cash::Register::add_cashup``/``start_cashup``: the CASHUP row with the counted total,
a surplus credit or deficit debit per differing payment type with its CREATE offset, dated one
second before the cashup (or its CASHUP_START); two-phase sessions; a DST day in New York."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from koha.models import AccountLine, AccountOffset, CashRegisterAction, CreditType, DebitType
from payments.cashups import exceptions as err
from payments.cashups.selectors import cashup_settings, open_session
from payments.models import CashupReconciliation
from payments.services import cashups
from payments.services.cashups import record_cashup, start_cashup
from tests.factories import cashup, charge_and_pay, payout, reconciliation_types
from tests.helpers import ledger_is_clean, row_counts

D = Decimal
SECOND = timedelta(seconds=1)


@pytest.fixture
def reconciling(koha):
    reconciliation_types()
    return koha


def pay(koha, at, amount, **kw):
    return charge_and_pay(register=koha.register, at=at, amount=amount, patron=koha.patron,
                          manager=koha.staff, **kw)


def at_clock(monkeypatch, instant):
    monkeypatch.setattr(cashups, "_now", lambda: instant)


def test_the_flavour_is_detected_from_the_types(koha):
    assert cashup_settings().flavour == "classic"
    CreditType.objects.create(code="CASHUP_SURPLUS", description="Surplus")
    assert cashup_settings().flavour == "classic"  # both types, or it is classic Koha
    DebitType.objects.create(code="CASHUP_DEFICIT", description="Deficit")
    assert cashup_settings().flavour == "reconciling"


def test_one_step_cashup_rows_column_by_column(reconciling, monkeypatch):
    koha = reconciling
    now = datetime(2024, 5, 2, 17, 0, tzinfo=UTC)
    pay(koha, now - timedelta(hours=3), "20.00")
    pay(koha, now - timedelta(hours=2), "7.50", payment_type="SIP00")
    at_clock(monkeypatch, now)

    made = record_cashup(register_id=1, manager_id=51, note="Till recount",
                         counted={"CASH": D("19.00"), "SIP00": D("8.00")})

    action = CashRegisterAction.objects.get(pk=made.cashup_id)
    assert (action.code, action.register_id, action.manager_id, action.amount,
            action.timestamp) == ("CASHUP", 1, 51, D("27"), now)  # counted total, positive
    deficit = AccountLine.objects.get(debit_type_id="CASHUP_DEFICIT")
    surplus = AccountLine.objects.get(credit_type_id="CASHUP_SURPLUS")
    for line, amount in ((deficit, D("1")), (surplus, D("-0.5"))):
        assert line.amount == amount and line.amountoutstanding == 0
        assert line.date == now - SECOND  # closes the session it belongs to
        assert (line.manager_id, line.interface, line.library_id, line.register_id) == (
            51, "intranet", "CPL", 1)
        assert line.note == "Till recount" and line.patron_id is None
        assert line.description is None and line.status is None
    assert (deficit.payment_type, surplus.payment_type) == ("CASH", "SIP00")
    assert (deficit.credit_type_id, surplus.debit_type_id) == (None, None)
    offsets = list(AccountOffset.objects.filter(type="CREATE").filter(
        debit_id=deficit.pk).values_list("debit_id", "credit_id", "amount")) + list(
        AccountOffset.objects.filter(type="CREATE", credit_id=surplus.pk).values_list(
            "debit_id", "credit_id", "amount"))
    assert offsets == [(deficit.pk, None, D("1")), (None, surplus.pk, D("-0.5"))]
    record = CashupReconciliation.objects.get(action_id=action.pk)
    assert record.flavour == "reconciling"
    assert {c.payment_type: c.line_id for c in record.counts.all()} == {
        "CASH": deficit.pk, "SIP00": surplus.pk}
    assert "OK: no anomaly." in ledger_is_clean()


def test_a_balanced_count_writes_no_line(reconciling, monkeypatch):
    pay(reconciling, timezone.now() - timedelta(hours=1), "5.00")
    made = record_cashup(register_id=1, manager_id=51, counted={"CASH": D("5")})
    assert CashRegisterAction.objects.get(pk=made.cashup_id).amount == D("5")
    assert not AccountLine.objects.filter(register_id=1, payment_type__isnull=False).exclude(
        credit_type_id="PAYMENT").exists()


def test_the_reconciliation_lines_close_their_session(reconciling, monkeypatch):
    """Dated a second before the cashup, the deficit is in the closed session (Koha's strict
    ``>`` leaves it out of the next one) and in the cashup's own summary window."""
    koha = reconciling
    now = datetime(2024, 5, 2, 17, 0, tzinfo=UTC)
    pay(koha, now - timedelta(hours=1), "10.00")
    at_clock(monkeypatch, now)
    record_cashup(register_id=1, manager_id=51, counted={"CASH": D("9")})

    later = open_session(koha.register, now=now + timedelta(hours=1))
    assert later.start == now and later.total == 0 and later.lines == 0


def test_two_phase_cashup(reconciling, monkeypatch):
    """start_cashup freezes the session; a payment meanwhile belongs to the next one; the
    completion's lines are dated a second before the CASHUP_START; the next session starts at
    the CASHUP_START (Koha's _get_session_start_timestamp, scenario 4)."""
    koha = reconciling
    t0 = datetime(2024, 5, 2, 16, 0, tzinfo=UTC)
    pay(koha, t0 - timedelta(hours=2), "30.00")
    pay(koha, t0 - timedelta(hours=1), "4.00", payment_type="SIP00")
    payout(register=koha.register, at=t0 - timedelta(minutes=30), amount="2.00",
           patron=koha.patron, manager=koha.staff)
    at_clock(monkeypatch, t0)
    started = CashRegisterAction.objects.get(pk=start_cashup(register_id=1, manager_id=51))
    assert (started.code, started.amount, started.timestamp) == ("CASHUP_START", D("32"), t0)
    with pytest.raises(err.CashupInProgress):
        start_cashup(register_id=1, manager_id=51)
    pay(koha, t0 + timedelta(minutes=10), "6.00")  # while counting: the next session's

    at_clock(monkeypatch, t0 + timedelta(minutes=20))
    made = record_cashup(register_id=1, manager_id=51, counted={"CASH": D("27"),
                                                                "SIP00": D("4")})

    action = CashRegisterAction.objects.get(pk=made.cashup_id)
    assert action.amount == D("31") and action.timestamp == t0 + timedelta(minutes=20)
    deficit = AccountLine.objects.get(debit_type_id="CASHUP_DEFICIT")
    assert (deficit.amount, deficit.date, deficit.payment_type) == (D("1"), t0 - SECOND, "CASH")
    record = CashupReconciliation.objects.get(action_id=action.pk)
    assert record.start_action_id == started.pk and record.session_end == t0
    assert [(c.expected, c.counted) for c in record.counts.all()] == [
        (D("28"), D("27")), (D("4"), D("4"))]
    following = open_session(koha.register, now=t0 + timedelta(hours=1))
    assert following.start == t0 and following.expected("CASH") == D("6")


def test_two_phase_needs_reconciliation_and_a_session(koha, reconciling):
    with pytest.raises(err.EmptySession):
        start_cashup(register_id=1, manager_id=51)


def test_two_phase_is_refused_on_classic_koha(koha):
    pay(koha, timezone.now() - timedelta(hours=1), "1.00")
    before = row_counts()
    with pytest.raises(err.TwoPhaseUnavailable):
        start_cashup(register_id=1, manager_id=51)
    assert row_counts() == before


def test_a_dst_day_in_new_york(reconciling, new_york, monkeypatch, kiosk):
    """3 Nov 2024, clocks go back at 02:00 EDT: 01:20 happens twice. The session is compared in
    instants, not wall-clock times: a payment at the second 01:20 (EST) comes after a cashup at
    the first 01:30 (EDT), and belongs to the next session."""
    koha = reconciling
    first_0130 = datetime(2024, 11, 3, 5, 30, tzinfo=UTC)  # 01:30 EDT
    cashup(register=koha.register, at=datetime(2024, 11, 3, 4, 50, tzinfo=UTC),
           manager=koha.staff)  # 00:50 EDT
    pay(koha, datetime(2024, 11, 3, 5, 20, tzinfo=UTC), "10.00")  # 01:20 EDT
    at_clock(monkeypatch, first_0130)
    made = record_cashup(register_id=1, manager_id=51, counted={"CASH": D("9.75")})
    pay(koha, datetime(2024, 11, 3, 6, 20, tzinfo=UTC), "3.00")  # 01:20 EST, an hour later

    record = CashupReconciliation.objects.get(action_id=made.cashup_id)
    assert [(c.payment_type, c.expected) for c in record.counts.all()][0] == ("CASH", D("10"))
    deficit = AccountLine.objects.get(debit_type_id="CASHUP_DEFICIT")
    assert deficit.date == first_0130 - SECOND
    nxt = open_session(koha.register, now=datetime(2024, 11, 3, 7, tzinfo=UTC))
    assert nxt.expected("CASH") == D("3")
    body = kiosk.api.get(f"/api/v1/cashups/{made.cashup_id}", HTTP_X_KOHA_EMBED="summary").json()
    assert body["timestamp"] == "2024-11-03T01:30:00-04:00"
    assert (body["summary"]["from_date"], body["summary"]["to_date"]) == (
        "2024-11-03 00:50:00", "2024-11-03 01:30:00")
    assert body["summary"]["total"] == 9.75  # the payment and the deficit line, as Koha sums
    assert body["reconciliation"]["session_end"] == "2024-11-03T01:30:00-04:00"


# --- verify_ledger: every reconciliation's lines equal its differences --------------------------
TAMPERING = {
    "cashup_difference_wrong": "UPDATE kohapay_cashup_count SET difference = 5 "
                               "WHERE payment_type = 'CASH'",
    "cashup_line_wrong": "UPDATE accountlines SET amount = 2 "
                         "WHERE debit_type_code = 'CASHUP_DEFICIT'",
    "cashup_line_missing": "UPDATE kohapay_cashup_count SET line_id = NULL "
                           "WHERE payment_type = 'CASH'",
    "cashup_offset_missing": "DELETE FROM account_offsets WHERE debit_id = "
                             "(SELECT accountlines_id FROM accountlines "
                             "WHERE debit_type_code = 'CASHUP_DEFICIT')",
}


@pytest.mark.parametrize("code", sorted(TAMPERING))
def test_verify_ledger_finds_a_reconciliation_that_is_not_its_lines(reconciling, code):
    from django.core.management import CommandError
    from django.db import connection

    pay(reconciling, timezone.now() - timedelta(hours=1), "10.00")
    record_cashup(register_id=1, manager_id=51, counted={"CASH": D("9")})
    assert "1 cashup count(s)" not in ledger_is_clean()  # two counts: CASH and SIP00
    with connection.cursor() as cursor:
        cursor.execute(TAMPERING[code])
    with pytest.raises(CommandError):
        ledger_is_clean()
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_ledger", stdout=out)
    assert f"ANOMALY {code}: 1 " in out.getvalue(), out.getvalue()


def test_two_phase_through_the_api(reconciling, kiosk):
    pay(reconciling, timezone.now() - timedelta(hours=1), "6.00")
    started = kiosk.api.post("/api/v1/cash_registers/1/cashups/start")
    assert started.status_code == 201, started.content
    body = started.json()
    assert (body["cash_register_id"], body["manager_id"], body["amount"]) == (1, 51, 6)
    again = kiosk.api.post("/api/v1/cash_registers/1/cashups/start")
    assert again.status_code == 409 and again.json()["error_code"] == "cashup_in_progress"
    done = kiosk.api.post("/api/v1/cash_registers/1/cashups",
                          {"counted": [{"payment_type": "CASH", "amount": 5}]}, format="json")
    assert done.status_code == 201
    assert done.json()["reconciliation"]["start_cashup_id"] == body["cashup_start_id"]


def test_the_api_refuses_two_phase_on_classic_koha(koha, kiosk):
    pay(koha, timezone.now() - timedelta(hours=1), "6.00")
    refused = kiosk.api.post("/api/v1/cash_registers/1/cashups/start")
    assert refused.status_code == 400
    assert refused.json()["error_code"] == "two_phase_unavailable"
