"""Column by column: paying debits the patron already owes writes the rows of Koha's
``Koha::Account->pay`` (spec §3.3–3.5: ``add_credit``'s PAYMENT credit, its CREATE offset,
``statistics`` row and FINES log, then ``apply``'s APPLY offsets and outstanding amounts), read
back with plain SQL. The world is §10's with three debits patron 42 already owes (``debts``:
card 1.50, then fines of 5.00 and 4.00); the expected rows are written out from the spec."""
from datetime import datetime
from datetime import timezone as dt_timezone
from decimal import Decimal as D

import pytest
from django.db import connection

from koha.models import CreditType, SystemPreference
from tests.factories import AccountLineFactory

ACCOUNTLINE_COLUMNS = (
    "issue_id", "borrowernumber", "itemnumber", "amount", "description", "credit_type_code",
    "debit_type_code", "credit_number", "status", "payment_type", "amountoutstanding", "note",
    "manager_id", "register_id", "interface", "branchcode",
)


def select(sql: str, params=()) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def utc_now() -> datetime:
    return datetime.now(dt_timezone.utc).replace(tzinfo=None, microsecond=0)


def snapshot() -> dict:
    """Every row a payment could add or change, as stored."""
    return {
        "lines": {r["accountlines_id"]: r for r in select("SELECT * FROM accountlines")},
        "offsets": max([r["id"] for r in select("SELECT id FROM account_offsets")], default=0),
        "statistics": select("SELECT * FROM statistics"),
        "logs": max([r["action_id"] for r in select("SELECT action_id FROM action_logs")],
                    default=0),
    }


class Paid:
    """A payment made through the API, and what it added and changed in Koha's tables."""

    def __init__(self, pay, body):
        self.before, self.started = snapshot(), utc_now()
        self.response = pay(body)
        assert self.response.status_code == 201, self.response.content
        self.body, self.ended = self.response.json(), utc_now()
        after = snapshot()
        self.credit = after["lines"][self.body["payment_id"]]
        self.new_lines = [i for i in after["lines"] if i not in self.before["lines"]]
        self.changed = {i: row for i, row in after["lines"].items()
                        if i in self.before["lines"] and row != self.before["lines"][i]}
        self.offsets = select("SELECT * FROM account_offsets WHERE id > %s ORDER BY id",
                              [self.before["offsets"]])
        self.statistics = after["statistics"][len(self.before["statistics"]):]
        self.logs = select("SELECT * FROM action_logs WHERE action_id > %s ORDER BY action_id",
                           [self.before["logs"]])

    def within(self, moment) -> bool:
        return self.started <= moment <= self.ended


def expected_credit(amount: str, **columns) -> dict:
    """The PAYMENT line add_credit writes for kohapay's kiosk (spec §3.3), settled by apply."""
    return {"issue_id": None, "borrowernumber": 42, "itemnumber": None,
            "amount": -D(amount).quantize(D("0.000001")), "description": "",
            "credit_type_code": "PAYMENT", "debit_type_code": None, "credit_number": None,
            "status": None, "payment_type": "CASH", "amountoutstanding": D("0.000000"),
            "note": "", "manager_id": 51, "register_id": 1, "interface": "api",
            "branchcode": "CPL", **columns}


def payment_log(amount_text: str, description: str = "", note: str = "") -> str:
    """``info`` of add_credit's FINES/CREATE row (spec §4.4), in the spec's key order."""
    return (
        "$VAR1 = {\n"
        "          'action' => 'create_PAYMENT',\n"
        "          'borrowernumber' => 42,\n"
        f"          'amount' => {amount_text},\n"
        f"          'description' => '{description}',\n"
        f"          'amountoutstanding' => {amount_text},\n"
        "          'credit_type_code' => 'PAYMENT',\n"
        f"          'note' => '{note}',\n"
        "          'itemnumber' => undef,\n"
        "          'manager_id' => 51,\n"
        "          'branchcode' => 'CPL'\n"
        "        };\n"
    )


def assert_common_rows(paid: Paid, amount: str, applied: list[tuple[int, str]],
                       left: dict[int, str], log_amount: str | None, **credit_columns):
    """The credit, its offsets, the statistics row, the log and the debits' new outstanding
    amounts: ``applied`` is (debit id, x) in the order Koha's apply walks them."""
    credit_id = paid.body["payment_id"]
    assert paid.new_lines == [credit_id]  # one line: the credit (pay creates no debit)
    assert {c: paid.credit[c] for c in ACCOUNTLINE_COLUMNS} == expected_credit(
        amount, **credit_columns)
    assert paid.within(paid.credit["date"]) and paid.credit["date"] <= paid.credit["timestamp"]
    assert [(o["credit_id"], o["debit_id"], o["type"], o["amount"]) for o in paid.offsets] == [
        (credit_id, None, "CREATE", D(amount)),  # add_credit: +A
        *((credit_id, debit_id, "APPLY", -D(x)) for debit_id, x in applied),
    ]
    assert all(paid.within(o["created_on"]) for o in paid.offsets)
    [statistic] = paid.statistics
    assert paid.within(statistic.pop("datetime"))  # KOHA_TIME_ZONE is UTC in the tests
    assert statistic == {"branch": "CPL", "value": -float(amount), "type": "payment",
                         "other": "", "itemnumber": None, "itemtype": "", "location": None,
                         "borrowernumber": 42, "ccode": "", "categorycode": None,
                         "interface": None}
    if log_amount is None:
        assert paid.logs == []
    else:
        [log] = paid.logs
        assert (log["user"], log["module"], log["action"], log["object"], log["interface"],
                log["script"], log["trace"]) == (51, "FINES", "CREATE", 42, "api", None, None)
        assert paid.within(log["timestamp"])
        assert log["info"] == payment_log(log_amount, credit_columns.get("description", ""),
                                          credit_columns.get("note", ""))
    assert_debits(paid, left)


def assert_debits(paid: Paid, left: dict[int, str]):
    """Each debit paid: amountoutstanding lowered by what was applied, every other column as
    Koha left it (timestamp aside, which MariaDB stamps on the UPDATE); no other line touched."""
    assert set(paid.changed) == set(left)
    for debit_id, outstanding in left.items():
        before, after = paid.before["lines"][debit_id], paid.changed[debit_id]
        assert after["amountoutstanding"] == D(outstanding)
        assert {c: v for c, v in after.items() if c not in ("amountoutstanding", "timestamp")} \
            == {c: v for c, v in before.items() if c not in ("amountoutstanding", "timestamp")}
        assert paid.within(after["timestamp"])


def balance() -> D:
    return select("SELECT SUM(amountoutstanding) AS b FROM accountlines "
                  "WHERE borrowernumber = 42")[0]["b"]


def test_one_fine_paid_exactly(debts, pay):
    # a JSON integer, as Koha's REST API would pass an IV: Perl logs it bare (-5)
    paid = Paid(pay, {"amount": 5, "payment_type": "CASH", "register_id": 1,
                      "account_lines_ids": [debts.hobbit.pk]})
    assert_common_rows(paid, "5", [(debts.hobbit.pk, "5")], {debts.hobbit.pk: "0"},
                       log_amount="-5")
    assert balance() == D("5.5") == paid.body["balance"]


def test_two_fines_in_the_order_given(debts, pay):
    body = {"amount": "9.00", "payment_type": "CASH", "register_id": 1,
            "account_lines_ids": [debts.dune.pk, debts.hobbit.pk], "note": "kiosk 1",
            "description": "Fines paid at the kiosk"}
    paid = Paid(pay, body)
    assert_common_rows(paid, "9", [(debts.dune.pk, "4"), (debts.hobbit.pk, "5")],
                       {debts.dune.pk: "0", debts.hobbit.pk: "0"}, log_amount="-9",
                       note="kiosk 1", description="Fines paid at the kiosk")
    assert balance() == D("1.5")
    assert [d["account_line_id"] for d in paid.body["debits"]] == [debts.dune.pk, debts.hobbit.pk]


def test_a_partial_payment(debts, pay):
    paid = Paid(pay, {"amount": "2.50", "payment_type": "CASH", "register_id": 1,
                      "account_lines_ids": [debts.dune.pk, debts.hobbit.pk]})
    # apply stops when the credit is used up: the Hobbit fine is not touched at all
    assert_common_rows(paid, "2.5", [(debts.dune.pk, "2.5")], {debts.dune.pk: "1.5"},
                       log_amount="'-2.5'")
    assert balance() == D("8")
    assert [(d["account_line_id"], d["amount_outstanding"]) for d in paid.body["debits"]] == [
        (debts.dune.pk, 1.5)]


def test_an_amount_that_overflows_the_named_line_onto_older_debts(debts, pay):
    # Dune is paid first; the rest goes to the other outstanding debits oldest first (Koha's
    # outstanding_debits, by id): the card, then the Hobbit fine in part.
    paid = Paid(pay, {"amount": "6.00", "payment_type": "CASH", "register_id": 1,
                      "account_lines_ids": [debts.dune.pk]})
    assert_common_rows(paid, "6",
                       [(debts.dune.pk, "4"), (debts.card.pk, "1.5"), (debts.hobbit.pk, "0.5")],
                       {debts.dune.pk: "0", debts.card.pk: "0", debts.hobbit.pk: "4.5"},
                       log_amount="-6")
    assert balance() == D("4.5") == paid.body["balance"]


def test_without_lines_the_oldest_debts_are_paid_first(debts, pay):
    paid = Paid(pay, {"amount": "2.00", "payment_type": "CASH", "register_id": 1})
    assert_common_rows(paid, "2", [(debts.card.pk, "1.5"), (debts.hobbit.pk, "0.5")],
                       {debts.card.pk: "0", debts.hobbit.pk: "4.5"}, log_amount="-2")


def test_auto_credit_number(debts, pay):
    CreditType.objects.filter(code="PAYMENT").update(credit_number_enabled=True)
    SystemPreference.objects.filter(variable="AutoCreditNumber").update(value="annual")
    year = datetime.now(dt_timezone.utc).year
    # The year's last number so far: an earlier payment's (Line::store takes the largest).
    AccountLineFactory(patron_id=42, amount=D("-1"), amountoutstanding=0,
                       credit_type_id="PAYMENT", credit_number=f"{year}-0041")
    paid = Paid(pay, {"amount": "7.50", "payment_type": "CASH", "register_id": 1,
                      "account_lines_ids": [debts.hobbit.pk, debts.dune.pk]})
    assert_common_rows(paid, "7.5", [(debts.hobbit.pk, "5"), (debts.dune.pk, "2.5")],
                       {debts.hobbit.pk: "0", debts.dune.pk: "1.5"}, log_amount="'-7.5'",
                       credit_number=f"{year}-0042")
    assert paid.body["credit"]["credit_number"] == f"{year}-0042"


def test_fines_log_off(debts, pay):
    SystemPreference.objects.filter(variable="FinesLog").update(value="0")
    paid = Paid(pay, {"amount": "7.50", "payment_type": "CASH", "register_id": 1,
                      "account_lines_ids": [debts.hobbit.pk, debts.dune.pk]})
    assert_common_rows(paid, "7.5", [(debts.hobbit.pk, "5"), (debts.dune.pk, "2.5")],
                       {debts.hobbit.pk: "0", debts.dune.pk: "1.5"}, log_amount=None)


@pytest.mark.parametrize("payment_type, register_id", [("SIP01", None), ("SIP00", 1)])
def test_the_register_goes_on_the_credit_only_when_given(debts, pay, payment_type, register_id):
    paid = Paid(pay, {"amount": "1.50", "payment_type": payment_type,
                      "register_id": register_id, "account_lines_ids": [debts.card.pk]})
    assert (paid.credit["payment_type"], paid.credit["register_id"]) == (payment_type,
                                                                         register_id)
    assert paid.changed[debts.card.pk]["register_id"] is None  # a charge never carries it


def test_the_response_names_every_row(debts, pay):
    paid = Paid(pay, {"amount": "6.00", "payment_type": "CASH", "register_id": 1,
                      "account_lines_ids": [debts.dune.pk], "external_id": "kiosk1-000124"})
    body = paid.body
    assert set(body) == {"payment_id", "patron_id", "external_id", "balance", "credit",
                         "debits", "offsets"}
    assert (body["patron_id"], body["external_id"]) == (42, "kiosk1-000124")
    assert body["credit"]["account_line_id"] == body["payment_id"]
    assert (body["credit"]["amount"], body["credit"]["amount_outstanding"]) == (-6, 0)
    assert [(d["account_line_id"], d["type"], d["amount"], d["amount_outstanding"])
            for d in body["debits"]] == [(debts.dune.pk, "OVERDUE", 4, 0),
                                         (debts.card.pk, "MANUAL", 1.5, 0),
                                         (debts.hobbit.pk, "OVERDUE", 5, 4.5)]
    assert [o["offset_id"] for o in body["offsets"]] == [o["id"] for o in paid.offsets]
    assert [(o["type"], o["debit_id"], o["amount"]) for o in body["offsets"]] == [
        ("CREATE", None, 6), ("APPLY", debts.dune.pk, -4), ("APPLY", debts.card.pk, -1.5),
        ("APPLY", debts.hobbit.pk, -0.5)]
