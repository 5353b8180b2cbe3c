"""koha.recipes.sale against the spec's worked variant (§10.5) and Koha's Sales.pm: every column
of the lines and offsets a POS sale writes, before any database."""
from datetime import UTC, datetime
from decimal import Decimal as D

from koha.models import AccountOffset
from koha.recipes import Sale, SaleItem, sale

AT = datetime(2026, 12, 6, 10, 30, tzinfo=UTC)
LINE_COLUMNS = ("patron_id", "amount", "amountoutstanding", "debit_type_id", "credit_type_id",
                "payment_type", "register_id", "library_id", "manager_id", "interface", "note",
                "description", "date", "credit_number")


def columns(line):
    return {name: getattr(line, name) for name in LINE_COLUMNS}


def test_the_worked_variant_one_print_sold_for_cash_at_register_1():
    rows = sale(Sale(manager_id=51, library_id="CPL", register_id=1, payment_type="CASH",
                     interface="intranet", items=(SaleItem("PRINT", D("2.50"), 1),)), at=AT)
    [debit] = rows.debits
    assert columns(debit) == {
        "patron_id": None, "amount": D("2.50"), "amountoutstanding": D("2.50"),
        "debit_type_id": "PRINT", "credit_type_id": None, "payment_type": None,
        "register_id": None, "library_id": "CPL", "manager_id": 51, "interface": "intranet",
        "note": "1", "description": None, "date": AT, "credit_number": None}
    assert columns(rows.credit) == {
        "patron_id": None, "amount": D("-2.50"), "amountoutstanding": D("-2.50"),
        "debit_type_id": None, "credit_type_id": "PURCHASE", "payment_type": "CASH",
        "register_id": 1, "library_id": "CPL", "manager_id": 51, "interface": "intranet",
        "note": "POS SALE", "description": None, "date": AT, "credit_number": None}
    rows.settle()
    assert debit.amountoutstanding == rows.credit.amountoutstanding == 0
    debit.accountlines_id, rows.credit.accountlines_id = 1, 2
    assert [(o.type, o.debit_id, o.credit_id, o.amount) for o in rows.offsets()] == [
        (AccountOffset.Type.CREATE, 1, None, D("2.50")),
        (AccountOffset.Type.CREATE, None, 2, D("-2.50")),  # Sales.pm's sign: the credit's own
        (AccountOffset.Type.APPLY, 1, 2, D("-2.50")),
    ]


def test_items_are_quantity_times_price_and_the_credit_their_exact_total():
    rows = sale(Sale(manager_id=3, library_id="MPL", register_id=4, payment_type="SIP01",
                     interface="api", credit_number="7",
                     items=(SaleItem("PRINT", D("0.20"), 12), SaleItem("COPYCARD", D("5"), 1),
                            SaleItem("PRINT", D("0.000001"), 9999))), at=AT)
    assert [(d.amount, d.note) for d in rows.debits] == [
        (D("2.40"), "12"), (D("5"), "1"), (D("0.009999"), "9999")]
    assert rows.credit.amount == D("-7.409999") and rows.credit.credit_number == "7"
    for number, line in enumerate((*rows.debits, rows.credit), start=10):
        line.accountlines_id = number
    kinds = [(o.type, o.debit_id, o.credit_id) for o in rows.offsets()]
    assert kinds == [("CREATE", 10, None), ("CREATE", 11, None), ("CREATE", 12, None),
                     ("CREATE", None, 13), ("APPLY", 10, 13), ("APPLY", 11, 13),
                     ("APPLY", 12, 13)]
    assert sum(o.amount for o in rows.offsets() if o.type == "APPLY") == rows.credit.amount
