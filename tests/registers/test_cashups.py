"""Cashup history and summaries, as Koha::Cash::Register::Cashup::summary computes them (§8.4)."""
from datetime import date
from decimal import Decimal

from registers.cashups import cashup_history
from registers.lookups import payment_type_labels
from registers.selectors import DayRange
from tests.factories import cashup, charge_and_pay, payout, pos_sale
from tests.helpers import utc

D = Decimal
MAY_2 = DayRange.single(date(2024, 5, 2))


def pay(koha, at, amount, **kw):
    return charge_and_pay(register=koha.register, at=at, amount=amount, patron=koha.patron,
                          manager=koha.staff, **kw)


def history(koha, days=MAY_2):
    return cashup_history(koha.register.id, days, payment_type_labels())


def test_summary_of_the_worked_example(koha):
    """Spec §10.4: one 2.50 PRINT charge paid in CASH at register 1, then a classic cashup."""
    pay(koha, utc(2024, 5, 2, 10), "2.50")
    made = cashup(register=koha.register, at=utc(2024, 5, 2, 17), manager=koha.staff,
                  amount="-2.50")

    (summary,) = history(koha)

    assert summary.cashup_id == made.id
    assert summary.from_date is None and summary.to_date == made.timestamp
    assert [(g.code, g.total) for g in summary.income_grouped] == [("PRINT", D("2.5"))]
    assert summary.income_grouped[0].description == "Printing"
    assert (summary.income_total, summary.payout_total, summary.total) == (D("2.5"), 0, D("2.5"))
    assert ("Cash", D("-2.5")) in summary.total_grouped
    assert summary.recorded_amount == D("-2.5")


def test_total_grouped_lists_every_payment_type_by_label(koha):
    pay(koha, utc(2024, 5, 2, 10), "2.50")
    cashup(register=koha.register, at=utc(2024, 5, 2, 17), manager=koha.staff)

    (summary,) = history(koha)

    assert [label for label, _ in summary.total_grouped] == [
        "Cash", "Cash via SIP2", "Creditcard via SIP2", "Visa via SIP2",
    ]
    assert dict(summary.money_in_by_payment_type)["Cash"] == D("2.5")


def test_windows_are_inclusive_at_both_ends_after_the_first_cashup(koha):
    first = cashup(register=koha.register, at=utc(2024, 5, 2, 9), manager=koha.staff)
    pay(koha, first.timestamp, "1.00")  # at the first cashup: in the second window only
    pay(koha, utc(2024, 5, 2, 10), "2.00")
    second = cashup(register=koha.register, at=utc(2024, 5, 2, 12), manager=koha.staff)
    pay(koha, second.timestamp, "4.00")  # at the second cashup: in its window and the next
    pay(koha, utc(2024, 5, 2, 13), "8.00")
    third = cashup(register=koha.register, at=utc(2024, 5, 2, 15), manager=koha.staff)

    newest, middle, oldest = history(koha)

    assert [s.cashup_id for s in (newest, middle, oldest)] == [third.id, second.id, first.id]
    assert oldest.total == 0  # no earlier cashup: date < its timestamp, boundary excluded
    assert (middle.from_date, middle.total) == (first.timestamp, D("7.00"))
    assert (newest.from_date, newest.total) == (second.timestamp, D("12.00"))


def test_the_window_of_the_first_cashup_on_the_page_starts_at_the_cashup_before_it(koha):
    cashup(register=koha.register, at=utc(2024, 5, 1, 17), manager=koha.staff)
    pay(koha, utc(2024, 5, 1, 16), "100.00")  # before the earlier cashup: not in the window
    pay(koha, utc(2024, 5, 1, 18), "3.00")
    cashup(register=koha.register, at=utc(2024, 5, 2, 17), manager=koha.staff)

    (summary,) = history(koha)

    assert summary.from_date == utc(2024, 5, 1, 17)
    assert summary.income_total == D("3.00")


def test_payouts_are_grouped_by_the_credit_they_paid_out(koha):
    pay(koha, utc(2024, 5, 2, 10), "5.00")
    pos_sale(register=koha.register, at=utc(2024, 5, 2, 11), items=[("PRINT", "1.00")],
             manager=koha.staff, payment_type="SIP00")
    payout(register=koha.register, at=utc(2024, 5, 2, 12), amount="2.00", patron=koha.patron,
           manager=koha.staff)
    cashup(register=koha.register, at=utc(2024, 5, 2, 17), manager=koha.staff)

    (summary,) = history(koha)

    assert [(g.code, g.total) for g in summary.payout_grouped] == [("CREDIT", D("2.00"))]
    assert (summary.income_total, summary.payout_total) == (D("6.00"), D("2.00"))
    assert summary.total == D("4.00")
    grouped = dict(summary.total_grouped)
    assert (grouped["Cash"], grouped["Cash via SIP2"]) == (D("-3.00"), D("-1.00"))


def test_other_registers_and_cashups_outside_the_range_are_left_out(koha):
    pay(koha, utc(2024, 5, 2, 10), "2.00")
    charge_and_pay(register=koha.other_register, at=utc(2024, 5, 2, 10), amount="9.00",
                   patron=koha.patron, manager=koha.staff)
    cashup(register=koha.other_register, at=utc(2024, 5, 2, 17), manager=koha.staff)
    cashup(register=koha.register, at=utc(2024, 5, 3, 17), manager=koha.staff)

    assert history(koha) == []
    (summary,) = history(koha, DayRange(date(2024, 5, 2), date(2024, 5, 3)))
    assert summary.total == D("2.00")


def test_several_cashups_at_the_same_instant_share_their_window(koha):
    pay(koha, utc(2024, 5, 2, 10), "2.00")
    at = utc(2024, 5, 2, 17)
    cashup(register=koha.register, at=at, manager=koha.staff)
    cashup(register=koha.register, at=at, manager=koha.staff)

    summaries = history(koha)

    assert [s.total for s in summaries] == [D("2.00"), D("2.00")]
    assert summaries[0].cashup_id > summaries[1].cashup_id
    assert summaries[0].to_date == at


def test_a_limit_keeps_the_newest_cashups_with_their_own_windows(koha):
    for hour in (9, 11, 13, 15):
        pay(koha, utc(2024, 5, 2, hour - 1), f"{hour}.00")
        cashup(register=koha.register, at=utc(2024, 5, 2, hour), manager=koha.staff)

    newest_two = cashup_history(koha.register.id, MAY_2, payment_type_labels(), limit=2)

    assert [s.to_date.hour for s in newest_two] == [15, 13]
    assert [s.total for s in newest_two] == [D("15.00"), D("13.00")]
    assert newest_two[1].from_date == utc(2024, 5, 2, 11)
