"""koha.recipes.pay: Koha's ``pay`` → ``apply`` allocation and the rows it builds, before any
database (the rows written, column by column against Koha's, are pinned with the service)."""
from datetime import UTC, datetime
from decimal import Decimal as D

from koha.models import AccountOffset
from koha.recipes import Circulation, Owed, Payment, circulation_effects, pay

AT = datetime(2026, 12, 6, 10, 30, tzinfo=UTC)


def payment(amount, **changes):
    values = dict(patron_id=7, manager_id=3, library_id="CPL", interface="api", amount=D(amount),
                  payment_type="CASH", register_id=1)
    return Payment(**{**values, **changes})


def test_debits_are_paid_in_the_order_given_until_the_credit_is_used_up():
    rows = pay(payment("7.50"), [Owed(118, D("5.00")), Owed(131, D("4.00")), Owed(99, D("1"))],
               at=AT)
    assert [(owed.line_id, x) for owed, x in rows.applied] == [(118, D("5.00")), (131, D("2.50"))]
    assert rows.debits_left() == [(118, D("0.00")), (131, D("1.50"))]
    assert rows.credit.amountoutstanding == D("0.00") and rows.unapplied == 0


def test_what_no_debit_takes_stays_on_the_credit_as_koha_leaves_it():
    rows = pay(payment("10"), [Owed(1, D("4"))], at=AT)
    assert rows.unapplied == D("6") and rows.credit.amountoutstanding == D("-6")


def test_the_credit_line_statistic_and_log_are_add_credits():
    rows = pay(payment("7.50", note="kiosk", credit_number="42"), [Owed(1, D("7.50"))], at=AT)
    credit = rows.credit
    assert (credit.amount, credit.credit_type_id, credit.payment_type, credit.register_id,
            credit.library_id, credit.interface, credit.manager_id, credit.patron_id,
            credit.description, credit.note, credit.credit_number, credit.date) == (
        D("-7.50"), "PAYMENT", "CASH", 1, "CPL", "api", 3, 7, "", "kiosk", "42", AT)
    assert (rows.statistic.type, rows.statistic.value, rows.statistic.branch,
            rows.statistic.borrowernumber) == ("payment", D("-7.50"), "CPL", 7)
    [log] = rows.logs
    assert (log.module, log.action, log.object, log.user) == ("FINES", "CREATE", 7, 3)
    assert "'action' => 'create_PAYMENT'" in log.info and "'amount' => '-7.5'" in log.info


def test_offsets_create_then_one_apply_per_debit_paid():
    rows = pay(payment("6"), [Owed(5, D("2")), Owed(6, D("4"))], at=AT)
    rows.credit.accountlines_id = 900
    offsets = [(o.type, o.credit_id, o.debit_id, o.amount) for o in rows.offsets()]
    assert offsets == [
        (AccountOffset.Type.CREATE, 900, None, D("6")),
        (AccountOffset.Type.APPLY, 900, 5, D("-2")),
        (AccountOffset.Type.APPLY, 900, 6, D("-4")),
    ]


def test_no_fines_log_without_fineslog():
    assert len(pay(payment("1"), [Owed(1, D("1"))], at=AT).logs) == 1
    assert pay(Payment(**{**payment("1").__dict__, "fines_log": False}), [Owed(1, D("1"))],
               at=AT).logs == []


def test_a_payment_description_goes_on_the_credit_and_its_log():
    rows = pay(payment("2", description="Fines at kiosk 7"), [Owed(1, D("2"))], at=AT)
    assert rows.credit.description == "Fines at kiosk 7"
    assert "'description' => 'Fines at kiosk 7'" in rows.logs[0].info


# --- what Koha's apply does beyond the ledger (Koha/Account/Line.pm) ----------------------------
RENEWING = Circulation(renew_accruing=True, return_lost=False)
RETURNING = Circulation(renew_accruing=False, return_lost=True)
BOTH = Circulation(renew_accruing=True, return_lost=True)


def accruing(line_id, outstanding, item_id=77):
    return Owed(line_id, D(outstanding), debit_type="OVERDUE", status="UNRETURNED",
                item_id=item_id)


def lost(line_id, outstanding, item_id=88):
    return Owed(line_id, D(outstanding), debit_type="LOST", item_id=item_id)


def effects(amount, debits, circulation):
    return [(e.line_id, e.item_id, e.effect)
            for e in circulation_effects(pay(payment(amount), debits, at=AT), circulation)]


def test_paying_off_an_accruing_fine_renews_its_item_when_the_preference_is_on():
    assert effects("3", [accruing(1, "3")], RENEWING) == [(1, 77, "renew")]
    assert effects("3", [accruing(1, "3")], RETURNING) == []


def test_paying_off_a_lost_fee_returns_its_item_when_onpayment_is_listed():
    assert effects("9", [lost(2, "9")], RETURNING) == [(2, 88, "return_lost")]
    assert effects("9", [lost(2, "9")], RENEWING) == []


def test_a_partly_paid_debit_triggers_nothing():
    assert effects("2", [accruing(1, "3"), lost(2, "9")], BOTH) == []
    assert effects("5", [accruing(1, "3"), lost(2, "9")], BOTH) == [(1, 77, "renew")]


def test_no_item_returned_or_fine_no_longer_accruing_triggers_nothing():
    returned = Owed(1, D("3"), debit_type="OVERDUE", status="RETURNED", item_id=77)
    assert effects("3", [returned], BOTH) == []
    assert effects("3", [accruing(1, "3", item_id=None)], BOTH) == []
    assert effects("9", [lost(2, "9", item_id=None)], BOTH) == []
    assert effects("1", [Owed(3, D("1"), debit_type="MANUAL", item_id=5)], BOTH) == []
