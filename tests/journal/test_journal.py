"""The journal of a day (issue 19): balanced for every VAT rate, equal to the register figures,
unmapped codes reported, VAT rounded per line with the day's remainder on its largest line."""
from datetime import date
from decimal import Decimal as D

import pytest

from journal import entries, facts, selectors, services
from journal.mappings import current
from journal.models import DEBIT_TYPE, PAYMENT_TYPE
from koha.models import CashRegister
from registers.selectors import daily_totals, income_by_debit_type
from tests.journal.conftest import DAY, ONE_DAY


def journal_of_day(user=None):
    return selectors.report(facts.Selection(tuple(CashRegister.objects.values_list(
        "id", flat=True)), ONE_DAY)).journal


def by_description(journal) -> dict[str, tuple[D, D]]:
    return {line.description: (line.debit, line.credit) for line in journal.lines}


@pytest.mark.parametrize("rate", ["0", "5.5", "20", "25", "100"])
def test_a_day_with_payments_a_sale_a_refund_and_payouts_journals_to_zero(day, mapped, rate):
    services.save_mapping(user=None, kind=DEBIT_TYPE, code="PRINT", account="4100",
                          vat_rate=D(rate), vat_code="R")
    journal = journal_of_day()
    assert journal.total_debit == journal.total_credit > 0
    assert all(line.debit * line.credit == 0 for line in journal.lines)  # one side per line
    assert all(line.debit == line.debit.quantize(D("0.01")) for line in journal.lines)
    vat = sum((line.credit - line.debit for line in journal.lines
               if line.account == "2200"), D(0))
    gross_print = D("13.15") - D("3.40")  # PRINT sold (5.90 cash + 7.25 SIP01) − refunded
    expected = (D("13.15") * D(rate) / (100 + D(rate))).quantize(D("0.01")) - (
        D("3.40") * D(rate) / (100 + D(rate))).quantize(D("0.01"))
    assert vat == expected
    income = sum((line.credit - line.debit for line in journal.lines if line.account == "4100"),
                 D(0))
    assert income + vat == gross_print


def test_the_journal_equals_the_register_figures(day, mapped):
    """Takings − payouts of each payment type, and income by debit type, as the register pages
    compute them — summed over the library's registers."""
    journal = journal_of_day()
    found = facts.facts(facts.Selection(tuple(CashRegister.objects.values_list("id", flat=True)),
                                        ONE_DAY))
    registers = list(CashRegister.objects.all())
    by_type: dict = {}
    income: dict = {}
    days = []
    for register in registers:
        [totals] = daily_totals(register.id, ONE_DAY)
        days.append(totals)
        for code, amount in totals.totals.by_payment_type:
            by_type[code or ""] = by_type.get(code or "", D(0)) + amount
        for row in income_by_debit_type(register.id, ONE_DAY):
            income[row.code] = income.get(row.code, D(0)) + row.total
    clearing = {}
    for key, amount in found.items():
        if key.kind == facts.PAYMENT_TYPE:
            clearing[key.code] = clearing.get(key.code, D(0)) + amount
    assert clearing == {code: amount for code, amount in by_type.items() if amount}
    paid: dict = {}
    for key, amount in found.items():
        if key.kind == facts.DEBIT_TYPE and key.flow == facts.IN:
            paid[key.code] = paid.get(key.code, D(0)) + amount
    assert paid == income
    lines = by_description(journal)
    assert lines["Takings CASH (Cash)"][0] - lines["Payouts CASH (Cash)"][1] == by_type["CASH"]
    takings = sum((line.debit for line in journal.lines if line.description.startswith(
        "Takings")), D(0))
    payouts = sum((line.credit for line in journal.lines if line.description.startswith(
        "Payouts")), D(0))
    assert (takings, payouts) == (sum((d.totals.income for d in days), D(0)),
                                  sum((d.totals.payouts for d in days), D(0)))


def test_unmapped_codes_go_to_the_defaults_and_are_listed(day):
    services.save_mapping(user=None, kind=PAYMENT_TYPE, code="CASH", account="1010")
    journal = journal_of_day()
    assert journal.balanced
    warned = {(w.kind, w.code): w for w in journal.warnings}
    assert set(warned) == {(PAYMENT_TYPE, "SIP01"), (DEBIT_TYPE, "PRINT"),
                           (DEBIT_TYPE, "COPYCARD")}
    assert warned[(PAYMENT_TYPE, "SIP01")].amount == D("7.25")
    assert warned[(DEBIT_TYPE, "PRINT")].amount == D("13.15") - D("3.40")
    assert "not mapped" in warned[(PAYMENT_TYPE, "SIP01")].message
    defaults = current().settings
    assert {line.account for line in journal.lines} == {
        "1010", defaults.default_clearing_account, defaults.default_income_account}


def test_money_not_applied_goes_to_its_credit_type(koha, mapped):
    """A credit of 5 with nothing to pay is a patron's credit: the credit type's account."""
    from tests.factories import AccountLineFactory
    from tests.helpers import utc
    AccountLineFactory(register=koha.register, credit_type_id="PAYMENT", amount=D("-5"),
                       amountoutstanding=D("-5"), payment_type="CASH", date=utc(2024, 5, 2, 9),
                       patron=koha.patron, library=koha.cpl)
    lines = by_description(journal_of_day())
    assert lines["Takings CASH (Cash)"] == (D("5.00"), D(0))
    assert lines["Credit held PAYMENT (Payment)"] == (D(0), D("5.00"))


def facts_of(*items) -> dict:
    return {facts.Key(DAY, "CPL", pt, flow, kind, code): D(amount)
            for pt, flow, kind, code, amount in items}


def test_vat_is_rounded_per_line_and_the_remainder_goes_on_the_largest_line(koha, mapped):
    """Sub-cent amounts (Koha stores six decimals): each line is rounded to the cent, and what
    that leaves unbalanced goes on the day's largest line; the journal sums to zero exactly."""
    found = facts_of(("CASH", "in", PAYMENT_TYPE, "CASH", "10.004"),
                     ("CASH", "in", DEBIT_TYPE, "PRINT", "3.333"),
                     ("CASH", "in", DEBIT_TYPE, "COPYCARD", "6.671"))
    journal = entries.build(found, current(), reference=lambda day, library: "R")
    lines = by_description(journal)
    assert journal.balanced
    # PRINT: VAT 3.333 × 20/120 = 0.5555 → 0.56; net 2.773 → 2.77. COPYCARD 6.671 → 6.67.
    assert lines["VAT 20% (S)"] == (D(0), D("0.56"))
    assert lines["Income PRINT (Printing)"] == (D(0), D("2.77"))
    # Takings 10.004 → 10.00; credits 0.56 + 2.77 + 6.67 = 10.00: nothing left over here.
    assert lines["Takings CASH (Cash)"] == (D("10.00"), D(0))
    skewed = facts_of(("CASH", "in", PAYMENT_TYPE, "CASH", "0.015"),
                      ("CASH", "in", PAYMENT_TYPE, "SIP01", "9.000"),
                      ("CASH", "in", DEBIT_TYPE, "COPYCARD", "9.015"))
    journal = entries.build(skewed, current(), reference=lambda day, library: "R")
    lines = by_description(journal)
    assert journal.balanced
    # 0.015 → 0.02, 9.00, 9.015 → 9.02: debits 9.02 = credits 9.02 — or the largest line takes it
    assert journal.total_debit == journal.total_credit
    odd = facts_of(("CASH", "in", PAYMENT_TYPE, "CASH", "0.005"),
                   ("CASH", "in", PAYMENT_TYPE, "SIP01", "0.005"),
                   ("CASH", "in", DEBIT_TYPE, "COPYCARD", "0.010"))
    journal = entries.build(odd, current(), reference=lambda day, library: "R")
    lines = by_description(journal)
    # 0.01 + 0.01 debited against 0.01 credited: the largest line (the first of equals) gives
    # back the cent.
    assert journal.balanced and journal.total_debit == D("0.01")
    assert len(journal.lines) == 2


def test_a_cashup_journal_covers_its_session_and_is_dated_on_its_day(koha, mapped):
    from tests.factories import cashup, charge_and_pay
    from tests.helpers import utc
    charge_and_pay(register=koha.register, at=utc(2024, 5, 1, 10), amount="1.00",
                   patron=koha.patron, manager=koha.staff)
    first = cashup(register=koha.register, at=utc(2024, 5, 1, 18), manager=koha.staff)
    charge_and_pay(register=koha.register, at=utc(2024, 5, 2, 9), amount="2.00",
                   patron=koha.patron, manager=koha.staff)
    charge_and_pay(register=koha.register, at=utc(2024, 5, 2, 12), amount="4.00",
                   patron=koha.patron, manager=koha.staff)
    second = cashup(register=koha.register, at=utc(2024, 5, 3, 8), manager=koha.staff)
    charge_and_pay(register=koha.register, at=utc(2024, 5, 3, 9), amount="8.00",
                   patron=koha.patron, manager=koha.staff)
    journal = selectors.report(selectors.cashup_selection(_unrestricted(), second.pk)).journal
    assert by_description(journal)["Takings CASH (Cash)"] == (D("6.00"), D(0))
    assert {line.date for line in journal.lines} == {date(2024, 5, 3)}
    assert {line.reference for line in journal.lines} == {f"KP-C{second.pk}-CPL"}
    journal = selectors.report(selectors.cashup_selection(_unrestricted(), first.pk)).journal
    assert by_description(journal)["Takings CASH (Cash)"] == (D("1.00"), D(0))


def _unrestricted():
    from django.contrib.auth.models import User
    return User.objects.get_or_create(username="everyone")[0]


def test_a_range_of_days_reads_through_timeidx_and_a_cashup_through_its_register(koha):
    """Over every register, MariaDB would pick the register index and read each register's whole
    history (8× slower at 1 M lines: docs/performance.md); a cashup's session is one register's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import cashup, charge_and_pay
    from tests.helpers import utc
    charge_and_pay(register=koha.register, at=utc(2024, 5, 2, 9), amount="2.00",
                   patron=koha.patron, manager=koha.staff)
    done = cashup(register=koha.register, at=utc(2024, 5, 2, 18), manager=koha.staff)
    with CaptureQueriesContext(connection) as days:
        facts.facts(facts.Selection((koha.register.pk,), ONE_DAY))
    with CaptureQueriesContext(connection) as session:
        facts.facts(selectors.cashup_selection(_unrestricted(), done.pk))
    reads = [q["sql"] for q in days.captured_queries if "account_offsets" in q["sql"]
             or "GROUP BY" in q["sql"]]
    assert len(reads) == 3 and all("`accountlines_ibfk_registers`" in sql for sql in reads)
    assert not any("accountlines_ibfk_registers" in q["sql"] for q in session.captured_queries)
