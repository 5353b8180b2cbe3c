"""A register's day, line by line (registers.transactions) and as the page's rows
(templates/registers/rows/day.jinja)."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from koha.models import AccountLine
from registers.lookups import payment_type_labels
from registers.selectors import DayRange, daily_totals
from registers.templatetags.dashboard import render_rows
from registers.transactions import day_lines, day_totals
from tests.factories import busy_days, charge_and_pay, kohapay_intake, payout, pos_sale
from tests.helpers import utc

DAY = date(2024, 5, 2)


@pytest.mark.parametrize("payment_type", [None, "CASH", "SIP01"])
def test_day_totals_of_the_lines_equal_the_daily_totals_query(koha, payment_type):
    busy_days(koha, [DAY - timedelta(days=1), DAY, DAY + timedelta(days=1)], per_day=5)
    odd = charge_and_pay(register=koha.register, at=utc(2024, 5, 2, 15), amount="0.125",
                         patron=koha.patron, manager=koha.staff)
    AccountLine.objects.filter(pk=odd.credit.pk).update(payment_type=None)  # no payment type

    lines = day_lines(koha.register.id, DAY, payment_type)
    (expected,) = daily_totals(koha.register.id, DayRange.single(DAY), payment_type)

    assert lines and day_totals(lines) == expected.totals
    assert expected.totals.payouts > 0 or payment_type == "SIP01"


def test_a_day_without_lines_has_zero_totals(koha):
    assert day_totals(day_lines(koha.register.id, DAY)) == daily_totals(
        koha.register.id, DayRange.single(DAY))[0].totals


def test_each_line_says_who_what_and_through_which_client(koha):
    at = utc(2024, 5, 2, 10)
    paid = charge_and_pay(register=koha.register, at=at, amount="2.50", patron=koha.patron,
                          manager=koha.staff)
    kohapay_intake(paid, external_id="EXT-1")
    sale = pos_sale(register=koha.register, at=at, items=[("PRINT", "0.40")], manager=koha.staff)
    out = payout(register=koha.register, at=at, amount="1.00", patron=koha.patron,
                 manager=koha.staff)

    by_id = {line.line_id: line for line in day_lines(koha.register.id, DAY)}

    credit = by_id[paid.credit.pk]
    assert (credit.patron.cardnumber, credit.manager.borrowernumber) == (
        koha.patron.cardnumber, koha.staff.pk)
    assert (credit.client_name, credit.external_id) == ("Lobby kiosk", "EXT-1")
    assert [(ln.line_id, ln.type_code, ln.amount) for ln in credit.linked] == [
        (paid.debit.pk, "PRINT", Decimal("2.50"))]
    anonymous = by_id[sale.credit.pk]
    assert anonymous.patron is None and anonymous.client_name is None
    paid_out = by_id[out.debit.pk]
    assert not paid_out.is_credit and paid_out.amount == Decimal("-1.00")
    assert [(ln.line_id, ln.type_code) for ln in paid_out.linked] == [(out.credit.pk, "CREDIT")]


def test_rows_escape_every_value_staff_or_patrons_wrote(koha):
    koha.patron.firstname = "<b>Ann</b>"
    koha.patron.save()
    charge_and_pay(register=koha.register, at=utc(2024, 5, 2, 10), amount="1.00",
                   patron=koha.patron, manager=koha.staff, description='<script>x("y")</script>')

    html = render_rows("registers/rows/day.jinja", lines=day_lines(koha.register.id, DAY),
                       labels=payment_type_labels())

    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;x(&#34;y&#34;)&lt;/script&gt;" in html  # Jinja2 (MarkupSafe) writes " as &#34;
    assert "&lt;b&gt;Ann&lt;/b&gt;" in html


def test_a_refunded_payment_still_shows_the_intake_that_took_it(koha, pay, refund):
    """A refund's intake names the credit it refunded: the day shows the payment's own."""
    from registers.selectors import local_today

    payment = pay(external_id="EXT-9").json()["payment_id"]
    assert refund(payment_id=payment, amount="1").status_code == 201
    by_id = {line.line_id: line for line in day_lines(koha.register.id, local_today())}
    assert (by_id[payment].client_name, by_id[payment].external_id) == ("Kiosk CPL", "EXT-9")
