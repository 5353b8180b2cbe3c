"""koha.recipes.pay: Koha's ``pay`` → ``apply`` allocation and the rows it builds, before any
database (the rows written, column by column against Koha's, are pinned with the service)."""
from datetime import UTC, datetime
from decimal import Decimal as D

from koha.models import AccountOffset
from koha.recipes import Owed, Payment, pay

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
