"""koha.recipes.debits: add_debit's line, CREATE offset and FINES log (spec §3.2, §3.6 rows 1–3),
before any database."""
from datetime import UTC, datetime
from decimal import Decimal as D

from koha.models import AccountOffset
from koha.recipes.debits import Debit, debit_line, debit_log, debit_offset

AT = datetime(2026, 12, 6, 10, 30, tzinfo=UTC)


def test_the_worked_example_debit_of_5_00_by_staff_51():
    debit = Debit(patron_id=42, manager_id=51, library_id="CPL", interface="intranet",
                  debit_type="X", amount=D("5.00"))
    line = debit_line(debit, at=AT)
    assert (line.patron_id, line.date, line.amount, line.amountoutstanding, line.description,
            line.debit_type_id, line.credit_type_id, line.payment_type, line.note,
            line.manager_id, line.interface, line.library_id, line.register_id, line.status) == (
        42, AT, D("5.00"), D("5.00"), "", "X", None, None, "", 51, "intranet", "CPL", None, None)
    line.accountlines_id = 7
    offset = debit_offset(line)
    assert (offset.type, offset.debit_id, offset.credit_id, offset.amount) == (
        AccountOffset.Type.CREATE, 7, None, D("5.00"))
    log = debit_log(debit)
    assert (log.user, log.module, log.action, log.object, log.interface) == (
        51, "FINES", "CREATE", 42, "intranet")
    assert "'action' => 'create_X'" in log.info and "'amount' => 5" in log.info


def test_a_fine_of_the_cron_has_no_manager_and_logs_user_0():
    debit = Debit(patron_id=42, manager_id=None, library_id="CPL", interface="cron",
                  debit_type="OVERDUE", amount=D("0.75"), status="RETURNED")
    assert debit_line(debit, at=AT).status == "RETURNED"
    log = debit_log(debit)
    assert log.user == 0 and "'manager_id' => undef" in log.info and "'0.75'" in log.info
