"""koha.recipes.refund against Koha's Line::reduce and Line::payout (and the cases of
t/db_dependent/Koha/Account/Line.t): every column of the refund credit and the payout, the
offsets and statuses, and what Koha would refuse — before any database."""
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from koha.models import AccountOffset
from koha.recipes import CannotRefund, Refund, Refunded, refund

AT = datetime(2026, 12, 6, 16, 20, tzinfo=UTC)
AT_THE_DESK = Refund(manager_id=51, library_id="CPL", interface="intranet", payout_type="CASH",
                     register_id=1, note="printer jam")
COLUMNS = ("patron_id", "amount", "amountoutstanding", "debit_type_id", "credit_type_id",
           "status", "payment_type", "register_id", "library_id", "manager_id", "interface",
           "note", "description", "date", "credit_number", "itemnumber", "issue_id")


def columns(line):
    return {name: getattr(line, name) for name in COLUMNS}


def paid_print(**changes) -> Refunded:
    """A PRINT charge of 2.50 a patron paid in full."""
    return Refunded(**{"line_id": 1, "patron_id": 42, "debit_type": "PRINT",
                       "amount": D("2.50"), "outstanding": D("0"), **changes})


def test_reduce_then_payout_of_a_paid_charge():
    rows = refund(AT_THE_DESK, paid_print(), D("2.50"), at=AT)
    common = {"patron_id": 42, "date": AT, "manager_id": 51, "interface": "intranet",
              "library_id": "CPL", "note": "printer jam", "description": None,
              "credit_number": None, "itemnumber": None, "issue_id": None}
    assert columns(rows.credit) == {
        **common, "amount": D("-2.50"), "amountoutstanding": D("-2.50"), "debit_type_id": None,
        "credit_type_id": "REFUND", "status": "ADDED", "payment_type": None,
        "register_id": None}
    assert columns(rows.payout) == {
        **common, "amount": D("2.50"), "amountoutstanding": D("2.50"), "debit_type_id": "PAYOUT",
        "credit_type_id": None, "status": None, "payment_type": "CASH", "register_id": 1}
    rows.credit.accountlines_id, rows.payout.accountlines_id = 7, 8
    assert [(o.type, o.credit_id, o.debit_id, o.amount) for o in rows.offsets()] == [
        (AccountOffset.Type.CREATE, 7, None, D("-2.50")),  # reduce's sign: the credit's own
        (AccountOffset.Type.APPLY, 7, 1, D("0")),  # the link to a paid debit moves nothing
        (AccountOffset.Type.CREATE, None, 8, D("2.50")),
        (AccountOffset.Type.APPLY, 7, 8, D("-2.50")),
    ]
    rows.settle()
    assert (rows.credit.amountoutstanding, rows.payout.amountoutstanding,
            rows.credit.status) == (0, 0, "PAID")


def test_an_anonymous_sale_item_is_refunded_without_a_patron():
    rows = refund(AT_THE_DESK, paid_print(patron_id=None), D("1.00"), at=AT)
    assert rows.credit.patron_id is rows.payout.patron_id is None
    assert (rows.credit.amount, rows.payout.amount) == (D("-1.00"), D("1.00"))


def test_a_partly_owed_debit_is_linked_by_zero_when_it_owes_less_than_the_refund():
    """Line.t: 'Zero offset created when zero outstanding' — and reduce's else branch for any
    debit owing less than the refund."""
    rows = refund(AT_THE_DESK, paid_print(amount=D("9"), outstanding=D("1.50")), D("2"), at=AT)
    rows.credit.accountlines_id, rows.payout.accountlines_id = 7, 8
    assert rows.offsets()[1].amount == 0


@pytest.mark.parametrize("debit, amount, says", [
    (paid_print(debit_type="PAYOUT"), D("1"), "is a payout"),
    (paid_print(debit_type="VOID"), D("1"), "is a void"),
    (paid_print(), D("0"), "not positive"),
    (paid_print(), D("2.51"), "higher than original amount"),
    (paid_print(reduced=D("2")), D("0.51"), "Combined reduction"),
    # reduce would apply the refund to what is still owed; payout would find nothing
    (paid_print(outstanding=D("2.50")), D("2.50"), "higher than amountoutstanding"),
    (paid_print(outstanding=D("1")), D("0.50"), "still owes 1"),
])
def test_what_koha_refuses_the_recipe_refuses(debit, amount, says):
    with pytest.raises(CannotRefund, match=says):
        refund(AT_THE_DESK, debit, amount, at=AT)


def test_reducible_is_the_amount_less_every_reduction():
    assert paid_print(reduced=D("1")).reducible == D("1.50")
    assert paid_print(reduced=D("2.50")).reducible == 0
    assert paid_print(debit_type="PAYOUT").reducible == 0


def test_the_note_is_none_as_on_the_register_page_when_no_reason_is_given():
    """pos/register.pl passes no note (NULL); boraccount.pl passes its refund note."""
    rows = refund(Refund(manager_id=51, library_id="CPL", interface="api", payout_type="SIP01",
                         register_id=None), paid_print(), D("1"), at=AT)
    assert rows.credit.note is rows.payout.note is None
    assert (rows.payout.register_id, rows.payout.payment_type) == (None, "SIP01")
