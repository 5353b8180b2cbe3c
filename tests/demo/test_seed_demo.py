"""`manage.py seed_demo` on MariaDB: the world it builds, and history that keeps Koha's invariants
(spec §3.6, §4.3, §4.4, §8.3) — seeded in New York so that "a day" and opening hours are local.
"""
import re
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.test import override_settings
from django.utils import timezone

from demo import catalogue
from koha.models import (
    AccountLine,
    AccountOffset,
    ActionLog,
    AuthorisedValue,
    CashRegister,
    CashRegisterAction,
    DebitType,
    DebitTypeLibrary,
    Library,
    Patron,
    Statistic,
    SystemPreference,
)
from koha.schema.reference_data import KOHA_DEBIT_TYPES
from payments.models import CashupReconciliation, Settlement
from payments.settlements.selectors import compare

DAYS, PER_DAY = 4, 150


@pytest.fixture
def new_york():
    with override_settings(TIME_ZONE="America/New_York", KOHA_TIME_ZONE="America/New_York"):
        yield


@pytest.fixture
def seed(db, new_york, tmp_path):
    def run(*args):
        out = StringIO()
        call_command(
            "seed_demo", "--days", str(DAYS), "--per-day", str(PER_DAY), "--seed", "3",
            "--credentials-file", str(tmp_path / "credentials.txt"), *args, stdout=out,
        )
        return out.getvalue()
    return run


@pytest.fixture
def seeded(seed):
    seed()
    return {line.pk: line for line in AccountLine.objects.all()}


def test_the_world_has_libraries_registers_patrons_staff_types_and_preferences(seeded):
    assert sorted(Library.objects.values_list("branchcode", flat=True)) == ["CPL", "FPL", "MPL"]
    per_library = Counter(CashRegister.objects.values_list("library_id", flat=True))
    assert all(2 <= n <= 3 for n in per_library.values()) and len(per_library) == 3
    assert CashRegister.objects.filter(archived=True).count() == 1
    assert Patron.objects.filter(categorycode=catalogue.PATRON_CATEGORY).count() >= 200
    kiosk = Patron.objects.get(userid=catalogue.KIOSK_USERID)
    assert kiosk.flags & (1 << 10) and kiosk.flags & (1 << 25)  # updatecharges, cash_management
    codes = set(DebitType.objects.values_list("code", flat=True))
    assert {code for code, *_ in KOHA_DEBIT_TYPES} | {"PRINT", "PHOTOCOPY", "ROOM_BOOKING"} <= codes
    assert DebitType.objects.filter(can_be_sold=True).exists()
    limited = set(DebitTypeLibrary.objects.values_list("debit_type_code", flat=True))
    assert {"SCAN", "ROOM_BOOKING"} <= limited
    payment_types = AuthorisedValue.objects.filter(category="PAYMENT_TYPE")
    assert {"CASH", "CARD", "SIP00", "SIP01", "SIP02"} <= {v.authorised_value for v in payment_types}
    prefs = dict(SystemPreference.objects.values_list("variable", "value"))
    assert (prefs["UseCashRegisters"], prefs["FinesLog"], prefs["AutoCreditNumber"]) == ("1", "1", "")


def test_every_charge_is_paid_by_one_payment_as_koha_writes_it(seeded):
    applies = defaultdict(list)
    for offset in AccountOffset.objects.filter(type="APPLY"):
        applies[offset.debit_id].append(offset)
    charges = [l for l in seeded.values() if l.debit_type_id and l.debit_type_id != "PAYOUT"]
    assert len(charges) > DAYS * PER_DAY / 2

    for debit in charges:
        [apply] = applies[debit.pk]
        credit = seeded[apply.credit_id]
        assert credit.credit_type_id == "PAYMENT"
        assert apply.amount == -debit.amount == credit.amount
        assert debit.amountoutstanding == credit.amountoutstanding == 0
        assert debit.register_id is None and credit.register_id is not None
        assert credit.payment_type and debit.payment_type is None
        for column in ("patron_id", "date", "library_id", "interface", "manager_id", "note"):
            assert getattr(debit, column) == getattr(credit, column), column


def test_every_line_has_one_create_offset_and_nothing_is_outstanding(seeded):
    creates = Counter()
    for offset in AccountOffset.objects.filter(type="CREATE"):
        line = seeded[offset.credit_id or offset.debit_id]
        assert offset.amount == abs(line.amount)  # add_debit and add_credit both store +A
        creates[line.pk] += 1
    assert creates == Counter(dict.fromkeys(seeded, 1))
    assert AccountLine.objects.aggregate(total=Sum("amountoutstanding"))["total"] == 0
    assert all(line.amount != 0 for line in seeded.values())


def test_registers_are_only_on_money_that_moves_through_a_till(seeded):
    with_register = Counter(
        l.credit_type_id or l.debit_type_id for l in seeded.values() if l.register_id is not None
    )
    assert set(with_register) == {"PAYMENT", "PAYOUT"}
    assert with_register["PAYOUT"] >= DAYS - 1  # about one a day at this volume
    branch_of = dict(CashRegister.objects.values_list("id", "library_id"))
    for line in seeded.values():
        if line.credit_type_id == "PAYMENT" or line.debit_type_id == "PAYOUT":
            expected = None if line.interface == "sip" else branch_of[line.register_id]
            assert line.library_id == expected
    assert Counter(l.interface for l in seeded.values()).most_common(1)[0][0] == "intranet"


def test_payouts_hand_back_a_manual_credit_in_cash(seeded):
    payouts = [l for l in seeded.values() if l.debit_type_id == "PAYOUT"]
    for payout in payouts:
        [apply] = AccountOffset.objects.filter(type="APPLY", debit_id=payout.pk)
        credit = seeded[apply.credit_id]
        assert (credit.credit_type_id, credit.status) == ("CREDIT", "PAID")
        assert credit.register_id is None
        assert payout.payment_type == "CASH" and apply.amount == credit.amount == -payout.amount
        assert credit.date <= payout.date and credit.patron_id == payout.patron_id


def test_one_statistics_row_per_payment(seeded):
    payments = {
        (l.patron_id, l.date, l.amount) for l in seeded.values() if l.credit_type_id == "PAYMENT"
    }
    statistics = {(s.borrowernumber, s.datetime, s.value) for s in Statistic.objects.all()}
    assert Statistic.objects.count() == len(payments) and statistics == payments
    assert set(Statistic.objects.values_list("type", flat=True)) == {"payment"}


DUMPER_ITEM = re.compile(r"^ {10}'(\w+)' => (undef|-?\d+|'((?:[^'\\]|\\.)*)'),?$")


def parse_dumper(info: str) -> dict:
    """Koha's `info`: `$VAR1 = {`, one `'key' => value` per line, `};` — back into a dict."""
    lines = info.split("\n")
    assert lines[0] == "$VAR1 = {" and lines[-2:] == ["        };", ""]
    parsed = {}
    for line in lines[1:-2]:
        key, raw, quoted = DUMPER_ITEM.match(line).groups()
        if quoted is not None:
            parsed[key] = re.sub(r"\\(.)", r"\1", quoted)
        else:
            parsed[key] = None if raw == "undef" else raw  # a bare integer
    return parsed


def expected_info(line) -> dict:
    """What add_debit / add_credit log for a line (spec §4.4); PAYOUT debits are not logged."""
    if line.debit_type_id:
        amount = f"{line.amount:.2f}"  # as the caller passed it
        kind = {"debit_type_code": line.debit_type_id}
    else:
        amount = f"{line.amount.normalize():f}"  # Perl's number
        kind = {"credit_type_code": line.credit_type_id, "branchcode": line.library_id}
    return {
        "action": f"create_{line.debit_type_id or line.credit_type_id}",
        "borrowernumber": str(line.patron_id), "amount": amount, "amountoutstanding": amount,
        "description": line.description, "note": "", "itemnumber": None,
        "manager_id": str(line.manager_id), **kind,
    }


def test_two_fines_logs_per_charge_and_pay_in_kohas_dumper_format(seeded):
    logs = list(ActionLog.objects.all())
    assert {(log.module, log.action) for log in logs} == {("FINES", "CREATE")}
    logged = Counter(
        (log.user, log.object, log.interface, tuple(sorted(parse_dumper(log.info).items(), key=str)))
        for log in logs
    )
    expected = Counter(
        (l.manager_id, l.patron_id, l.interface, tuple(sorted(expected_info(l).items(), key=str)))
        for l in seeded.values()
        if l.debit_type_id != "PAYOUT"
    )
    assert logged == expected


def test_cashups_close_whole_days_with_the_signed_sum_of_their_session(seeded):
    today = timezone.localdate()
    cashups = CashRegisterAction.objects.order_by("register_id", "timestamp")
    assert cashups.exists()
    previous = {}
    for cashup in cashups:
        lines = AccountLine.objects.filter(
            register_id=cashup.register_id, date__lte=cashup.timestamp
        )
        if cashup.register_id in previous:
            lines = lines.filter(date__gt=previous[cashup.register_id])
        assert cashup.code == "CASHUP"
        assert cashup.amount == lines.aggregate(total=Sum("amount"))["total"]
        counted = CashupReconciliation.objects.filter(action_id=cashup.pk).exists()
        # Today's sessions stay open, but for the demo's cashups counted through kohapay.
        assert (timezone.localdate(cashup.timestamp) < today) != counted
        previous[cashup.register_id] = cashup.timestamp


def test_the_demo_counts_three_cashups_and_reports_a_gateways_days(seeded):
    counted = {r.register_id: sum(c.difference for c in r.counts.all())
               for r in CashupReconciliation.objects.prefetch_related("counts")}
    assert sorted(counted.values()) == [Decimal("-2.35"), 0, 1]
    assert all(r.recorded_by.username == "finance" for r in CashupReconciliation.objects.all())
    reports = list(Settlement.objects.order_by("day"))
    assert len(reports) == 2 and {r.client.name for r in reports} == {"Demo kiosk"}
    yesterday, before = reports[1], reports[0]
    assert [c.difference for c in compare(yesterday)][0] == Decimal("-5")
    assert all(c.difference == 0 for c in compare(before))


def test_history_is_local_opening_hours_of_the_last_days_and_nothing_in_the_future(seeded):
    now, today = timezone.now(), timezone.localdate()
    for line in seeded.values():
        local = timezone.localtime(line.date)
        assert line.date <= now and 9 <= local.hour <= 19
        assert today - timedelta(days=DAYS - 1) <= local.date() <= today
    archived = CashRegister.objects.get(archived=True)
    older_half = today - timedelta(days=DAYS - DAYS // 2)
    archived_days = {
        timezone.localdate(l.date) for l in seeded.values() if l.register_id == archived.pk
    }
    assert archived_days and max(archived_days) <= older_half


def test_library_limits_and_kiosk_sales_are_honoured(seeded):
    limits = defaultdict(set)
    for code, branch in DebitTypeLibrary.objects.values_list("debit_type_code", "branchcode"):
        limits[code].add(branch)
    sold = set(DebitType.objects.filter(can_be_sold=True).values_list("code", flat=True))
    till = {r.id: r for r in CashRegister.objects.all()}
    for apply in AccountOffset.objects.filter(type="APPLY"):
        debit, credit = seeded[apply.debit_id], seeded[apply.credit_id]
        if debit.debit_type_id == "PAYOUT":
            continue
        branch = till[credit.register_id].library_id
        assert branch in limits.get(debit.debit_type_id, {branch})
        if credit.interface in ("sip", "api"):
            assert debit.debit_type_id in sold


def test_seeding_twice_is_refused_and_force_adds_history_only(seed, seeded):
    with pytest.raises(CommandError, match=r"already has data \(3 libraries, .* account lines\)"):
        seed()
    patrons, registers = Patron.objects.count(), CashRegister.objects.count()
    cashups = CashRegisterAction.objects.count()

    output = seed("--force")

    assert AccountLine.objects.count() > len(seeded)
    assert (Patron.objects.count(), CashRegister.objects.count()) == (patrons, registers)
    assert Library.objects.count() == 3 and DebitType.objects.filter(code="PRINT").count() == 1
    assert CashRegisterAction.objects.count() == cashups
    assert "no cashups were added" in output


def test_the_command_reports_and_writes_the_demo_credentials(seed, tmp_path):
    output = seed()

    assert "account lines in" in output and "3 libraries, 8 registers" in output
    assert (tmp_path / "credentials.txt").exists()



def test_unpaid_fines_are_left_only_when_asked_and_only_as_add_debit_writes_them(seed):
    seed("--unpaid-fines", "2")
    owed = AccountLine.objects.filter(amountoutstanding__gt=0)
    assert {line.amountoutstanding == line.amount and line.register_id is None
            and line.debit_type_id in {"OVERDUE", "MANUAL"} for line in owed} == {True}
    patrons = {line.patron_id for line in owed}
    per_library = Counter(Patron.objects.filter(pk__in=patrons).values_list("library_id", flat=True))
    assert set(per_library.values()) == {2} and len(per_library) == Library.objects.count()
    creates = AccountOffset.objects.filter(type="CREATE", debit_id__in=[line.pk for line in owed])
    assert sorted(o.amount for o in creates) == sorted(line.amount for line in owed)
    assert AccountOffset.objects.filter(debit_id__in=[line.pk for line in owed],
                                        type="APPLY").count() == 0
