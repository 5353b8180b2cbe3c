"""Column by column: the rows of one intake are the rows of spec §3.6 / §10 (ids and times aside),
read back with plain SQL so that nothing of Django's mapping stands between us and the table."""
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import override_settings

from koha.models import SystemPreference

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


@pytest.fixture
def printing_paid(koha, pay):
    before = utc_now()
    response = pay({"debit_type": "PRINT", "amount": 2.5, "payment_type": "CASH",
                    "register_id": 1, "description": "Printing"})
    assert response.status_code == 201, response.content
    return response.json(), before, utc_now()


def test_accountlines_are_those_of_add_debit_then_pay(printing_paid):
    body, before, after = printing_paid
    lines = select("SELECT * FROM accountlines ORDER BY accountlines_id")
    common = {"issue_id": None, "borrowernumber": 42, "itemnumber": None, "credit_number": None,
              "status": None, "amountoutstanding": Decimal("0.000000"), "note": "",
              "manager_id": 51, "interface": "api", "branchcode": "CPL"}
    expected_debit = {**common, "amount": Decimal("2.500000"), "description": "Printing",
                      "credit_type_code": None, "debit_type_code": "PRINT", "payment_type": None,
                      "register_id": None}
    expected_credit = {**common, "amount": Decimal("-2.500000"), "description": "",
                       "credit_type_code": "PAYMENT", "debit_type_code": None,
                       "payment_type": "CASH", "register_id": 1}
    assert [{c: line[c] for c in ACCOUNTLINE_COLUMNS} for line in lines] == [
        expected_debit, expected_credit]
    assert [line["accountlines_id"] for line in lines] == [
        body["debit"]["account_line_id"], body["payment_id"]]
    for line in lines:  # session time zone is UTC: these are UTC instants
        assert before <= line["date"] <= after
        assert line["date"] <= line["timestamp"] <= after
    assert lines[0]["date"] == lines[1]["date"]


def test_offsets_are_create_create_apply(printing_paid):
    body, before, after = printing_paid
    debit_id, credit_id = body["debit"]["account_line_id"], body["payment_id"]
    offsets = select("SELECT * FROM account_offsets ORDER BY id")
    assert [(o["credit_id"], o["debit_id"], o["type"], o["amount"]) for o in offsets] == [
        (None, debit_id, "CREATE", Decimal("2.500000")),
        (credit_id, None, "CREATE", Decimal("2.500000")),
        (credit_id, debit_id, "APPLY", Decimal("-2.500000")),
    ]
    assert all(before <= o["created_on"] <= after for o in offsets)
    assert [o["offset_id"] for o in body["offsets"]] == [o["id"] for o in offsets]


def test_one_statistics_row_of_type_payment(printing_paid):
    _, before, after = printing_paid
    rows = select("SELECT * FROM statistics")
    assert len(rows) == 1
    row = rows[0]
    assert before <= row.pop("datetime") <= after  # KOHA_TIME_ZONE is UTC here
    assert row == {"branch": "CPL", "value": -2.5, "type": "payment", "other": "",
                   "itemnumber": None, "itemtype": "", "location": None, "borrowernumber": 42,
                   "ccode": "", "categorycode": None, "interface": None}


def test_two_fines_logs_with_koha_dumper_info(printing_paid):
    _, before, after = printing_paid
    rows = select("SELECT * FROM action_logs ORDER BY action_id")
    assert [(r["user"], r["module"], r["action"], r["object"], r["interface"], r["script"],
             r["trace"]) for r in rows] == [(51, "FINES", "CREATE", 42, "api", None, None)] * 2
    assert all(before <= r["timestamp"] <= after for r in rows)
    assert rows[0]["info"] == (
        "$VAR1 = {\n"
        "          'action' => 'create_PRINT',\n"
        "          'borrowernumber' => 42,\n"
        "          'amount' => '2.5',\n"
        "          'description' => 'Printing',\n"
        "          'amountoutstanding' => '2.5',\n"
        "          'debit_type_code' => 'PRINT',\n"
        "          'note' => '',\n"
        "          'itemnumber' => undef,\n"
        "          'manager_id' => 51\n"
        "        };\n"
    )
    assert rows[1]["info"] == (
        "$VAR1 = {\n"
        "          'action' => 'create_PAYMENT',\n"
        "          'borrowernumber' => 42,\n"
        "          'amount' => '-2.5',\n"
        "          'description' => '',\n"
        "          'amountoutstanding' => '-2.5',\n"
        "          'credit_type_code' => 'PAYMENT',\n"
        "          'note' => '',\n"
        "          'itemnumber' => undef,\n"
        "          'manager_id' => 51,\n"
        "          'branchcode' => 'CPL'\n"
        "        };\n"
    )


def test_no_fines_logs_when_fineslog_is_off(koha, pay):
    SystemPreference.objects.filter(variable="FinesLog").update(value="0")
    assert pay().status_code == 201
    assert select("SELECT COUNT(*) AS n FROM action_logs") == [{"n": 0}]
    assert select("SELECT COUNT(*) AS n FROM accountlines") == [{"n": 2}]


def test_note_goes_to_both_lines_and_no_register_when_not_cash(koha, pay):
    response = pay({"debit_type": "PRINT", "amount": 1, "payment_type": "SIP01",
                    "note": "kiosk 7"})
    assert response.status_code == 201, response.content
    lines = select("SELECT note, register_id, branchcode, payment_type FROM accountlines "
                   "ORDER BY accountlines_id")
    assert lines == [{"note": "kiosk 7", "register_id": None, "branchcode": "CPL",
                      "payment_type": None},
                     {"note": "kiosk 7", "register_id": None, "branchcode": "CPL",
                      "payment_type": "SIP01"}]


@override_settings(TIME_ZONE="Europe/Paris", KOHA_TIME_ZONE="Europe/Paris")  # one zone, as
def test_koha_local_time_in_statistics_and_offsets_in_response(koha, pay):  # in kohapay.settings
    response = pay()
    assert response.status_code == 201
    line_date = select("SELECT date FROM accountlines LIMIT 1")[0]["date"]  # UTC (session zone)
    paris = line_date.replace(tzinfo=dt_timezone.utc).astimezone(ZoneInfo("Europe/Paris"))
    # statistics.datetime is a DATETIME: Koha's local wall-clock time
    assert select("SELECT datetime FROM statistics")[0]["datetime"] == paris.replace(tzinfo=None)
    body = response.json()
    assert body["debit"]["date"] == paris.isoformat()
    assert body["debit"]["date"].endswith(("+01:00", "+02:00"))
    assert datetime.fromisoformat(body["credit"]["timestamp"]) - paris < timedelta(seconds=5)
