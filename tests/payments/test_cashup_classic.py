"""A classic Koha cashup written by kohapay (spec §8.2–§8.3): exactly Koha's ``add_cashup`` row,
column by column, and kohapay's own record of what was counted; the session's boundaries (strict
``>`` after the last cashup); refusals that write nothing."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from koha.models import AccountLine, CashRegisterAction
from payments.cashups import exceptions as err
from payments.models import CashupReconciliation
from payments.services.cashups import record_cashup
from tests.factories import cashup, charge_and_pay, payout
from tests.helpers import row_counts, set_preference

D = Decimal


def pay(koha, amount, *, ago=timedelta(hours=1), **kw):
    return charge_and_pay(register=koha.register, at=timezone.now() - ago, amount=amount,
                          patron=koha.patron, manager=koha.staff, **kw)


def cash_up(koha, counted=None, **kw):
    result = record_cashup(register_id=koha.register.id, manager_id=koha.staff.pk,
                           counted=counted, **kw)
    return CashRegisterAction.objects.get(pk=result.cashup_id)


def test_the_cashup_row_is_koha_add_cashup_column_by_column(koha):
    pay(koha, "2.50")
    pay(koha, "4.00", payment_type="SIP00")
    payout(register=koha.register, at=timezone.now() - timedelta(minutes=5), amount="1.00",
           patron=koha.patron, manager=koha.staff)
    before = timezone.now().replace(microsecond=0)

    action = cash_up(koha, {"CASH": D("1.50"), "SIP00": D("4.00")})

    assert action.code == "CASHUP"
    assert action.register_id == koha.register.id and action.manager_id == koha.staff.pk
    assert action.amount == D("-5.5")  # the signed total of the session: −2.50 −4.00 +1.00
    assert before <= action.timestamp <= timezone.now()
    assert AccountLine.objects.filter(credit_type_id="CASHUP_SURPLUS").count() == 0
    assert AccountLine.objects.filter(debit_type_id="CASHUP_DEFICIT").count() == 0


def test_kohapay_keeps_the_counts_differences_and_note(koha):
    pay(koha, "2.50")
    pay(koha, "4.00", payment_type="SIP00")

    action = cash_up(koha, {"CASH": D("2.00")}, note="  fifty pence short  ")

    record = CashupReconciliation.objects.get(action_id=action.pk)
    assert record.flavour == "classic" and record.note == "fifty pence short"
    assert record.register_id == koha.register.id and record.session_start is None
    assert [(c.payment_type, c.expected, c.counted, c.difference, c.line_id)
            for c in record.counts.all()] == [
        ("CASH", D("2.5"), D("2"), D("-0.5"), None),
        ("SIP00", D("4"), D("0"), D("-4"), None),  # left out of the count: nothing counted
    ]


def test_the_session_is_strictly_after_the_last_cashup(koha):
    last = cashup(register=koha.register, at=timezone.now() - timedelta(hours=2),
                  manager=koha.staff)
    charge_and_pay(register=koha.register, at=last.timestamp, amount="100", patron=koha.patron,
                   manager=koha.staff)  # dated exactly at the last cashup: not in this session
    pay(koha, "3.00")

    action = cash_up(koha, {"CASH": D("3")})

    assert action.amount == D("-3")
    record = CashupReconciliation.objects.get(action_id=action.pk)
    assert record.session_start == last.timestamp
    assert [(c.expected, c.difference) for c in record.counts.all()][0] == (D("3"), D("0"))


def test_counted_payment_types_follow_the_preference(koha):
    set_preference("CashupPaymentTypes", " SIP01 , CASH,")
    pay(koha, "2.00", payment_type="SIP01")

    action = cash_up(koha, {"SIP01": D("2")})

    assert [c.payment_type for c in CashupReconciliation.objects.get(
        action_id=action.pk).counts.all()] == ["SIP01", "CASH"]
    with pytest.raises(err.PaymentTypeNotCounted):
        cash_up(koha, {"SIP00": D("1")})


@pytest.mark.parametrize("counted, error", [
    ({"CASH": D("-1")}, err.InvalidCount),
    ({"CARD": D("1")}, err.PaymentTypeNotCounted),
])
def test_bad_counts_write_nothing(koha, counted, error):
    pay(koha, "2.50")
    before = row_counts()
    with pytest.raises(error):
        cash_up(koha, counted)
    assert row_counts() == before
    assert not CashupReconciliation.objects.exists()


def test_an_empty_session_is_refused_as_koha_refuses_it(koha):
    cashup(register=koha.register, at=timezone.now() - timedelta(hours=1), manager=koha.staff)
    with pytest.raises(err.EmptySession):
        cash_up(koha, {"CASH": D("0")})
    pay(koha, "2.00", ago=timedelta(minutes=1))
    pay(koha, "-2.00", ago=timedelta(minutes=1))  # lines that add up to nothing: Koha refuses too
    with pytest.raises(err.EmptySession):
        cash_up(koha, {"CASH": D("0")})
    assert CashRegisterAction.objects.count() == 1


def test_a_difference_needs_a_note_when_koha_says_so(koha):
    set_preference("CashupReconciliationNoteRequired", "1")
    pay(koha, "2.50")
    before = row_counts()
    with pytest.raises(err.NoteRequired):
        cash_up(koha, {"CASH": D("2"), "SIP00": D("0")}, note="   ")
    assert row_counts() == before
    cash_up(koha, {"CASH": D("2.5")})  # no difference: no note needed


def test_a_note_from_koha_authorised_values_when_koha_restricts_it(koha):
    from koha.models import AuthorisedValueCategory
    from tests.factories import PaymentTypeFactory

    AuthorisedValueCategory.objects.create(category_name="CASHUP_NOTE")
    set_preference("CashupReconciliationNoteRequired", "1")
    set_preference("CashupReconciliationNoteAuthorisedValue", "CASHUP_NOTE")
    PaymentTypeFactory(category="CASHUP_NOTE", authorised_value="Counting error")
    pay(koha, "2.50")
    with pytest.raises(err.InvalidNote):
        cash_up(koha, {"CASH": D("2")}, note="whatever")
    assert cash_up(koha, {"CASH": D("2")}, note="Counting error").code == "CASHUP"


def test_a_changed_session_is_refused_plainly(koha):
    pay(koha, "2.50")
    with pytest.raises(err.SessionChanged):
        cash_up(koha, {"CASH": D("2.5")}, seen_start=timezone.now() - timedelta(days=1))
    assert cash_up(koha, {"CASH": D("2.5")}, seen_start=None).amount == D("-2.5")


def test_an_unknown_register_is_404(koha):
    with pytest.raises(err.CashRegisterNotFound):
        record_cashup(register_id=999, manager_id=51, counted={})
