"""``manage.py verify_ledger``: clean after real intakes; every anomaly it promises to find is found
when the ledger is really broken that way (rows tampered with in SQL, as a buggy writer would);
what Koha may do later (void, refund) is a notice; ``--since`` limits it; an auditor with SELECT
only can run it."""
import json
import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from koha.models import AccountLine, AccountOffset
from payments.models import Intake
from tests.helpers import ledger_is_clean


def run(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_ledger", *args, stdout=out)
    except CommandError as exc:
        return 1, out.getvalue() + str(exc)
    return 0, out.getvalue()


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def paid(kiosk, pay):
    """Two recorded intakes; returns the first one's Intake row."""
    assert pay(key="a").status_code == 201
    assert pay(key="b", amount="7.25").status_code == 201
    return Intake.objects.order_by("id").first()


def test_clean_ledger_passes(paid):
    code, out = run()
    assert code == 0, out
    assert "2 intake(s) and 2 register line(s) checked" in out and "OK: no anomaly." in out


TAMPERING = {
    "intake_line_missing": "DELETE FROM accountlines WHERE accountlines_id = {debit}",
    "intake_wrong_lines": "UPDATE accountlines SET credit_type_code = 'CREDIT' "
                          "WHERE accountlines_id = {credit}",
    "intake_amount_mismatch": "UPDATE accountlines SET amount = 2.49 WHERE accountlines_id = {debit}",
    "intake_apply_missing": "DELETE FROM account_offsets WHERE type = 'APPLY' AND debit_id = {debit}",
    "intake_outstanding": "UPDATE accountlines SET amountoutstanding = 1 "
                          "WHERE accountlines_id = {debit}",
    "intake_place_mismatch": "UPDATE accountlines SET branchcode = 'MPL' "
                             "WHERE accountlines_id = {credit}",
    "intake_response_mismatch": "UPDATE kohapay_intake SET response_body = "
                                "JSON_SET(response_body, '$.payment_id', 999) WHERE id = {intake}",
    "register_charge": "UPDATE accountlines SET register_id = 1 WHERE accountlines_id = {debit}",
    "register_date_after_timestamp": "UPDATE accountlines SET date = timestamp + INTERVAL 1 HOUR, "
                                     "timestamp = timestamp WHERE accountlines_id = {credit}",
}


@pytest.mark.parametrize("code", sorted(TAMPERING))
def test_each_anomaly_is_found_and_fails(paid, code):
    sql(TAMPERING[code].format(debit=paid.debit_id, credit=paid.payment_id, intake=paid.id))
    status, out = run()
    assert status == 1, out
    found = [line for line in out.splitlines() if line.startswith("ANOMALY")]
    line = next((line for line in found if line.startswith(f"ANOMALY {code}: 1 ")), None)
    assert line is not None, out
    expected = {"register_charge": paid.debit_id,
                "register_date_after_timestamp": paid.payment_id}.get(code, paid.id)
    assert line.endswith(f" {expected})"), line  # the example names the broken row
    assert "OK: no anomaly" not in out


def test_credit_at_a_register_of_another_library(paid, koha):
    """A Koha-written credit (not an intake) at MPL's register but booked at CPL."""
    AccountLine.objects.create(
        patron_id=42, date=timezone.now(), amount=-1, amountoutstanding=0, credit_type_id="PAYMENT",
        payment_type="CASH", register_id=koha.other_register.id, library_id="CPL",
        interface="intranet", manager_id=51, description="", note="",
    )
    status, out = run()
    assert status == 1 and "ANOMALY register_other_library: 1 " in out


def test_payout_debit_on_a_register_is_fine(paid):
    AccountLine.objects.create(
        patron_id=42, date=timezone.now(), amount=1, amountoutstanding=0, debit_type_id="PAYOUT",
        payment_type="CASH", register_id=1, library_id="CPL", interface="intranet", manager_id=51,
    )
    assert run()[0] == 0


def test_a_payment_koha_voided_later_is_a_notice(paid):
    """Koha's void: the credit becomes VOID, the debit is owed again, VOID offsets reverse the
    APPLY — legitimate, reported, not a failure."""
    sql("UPDATE accountlines SET status = 'VOID', amountoutstanding = 0 "
        "WHERE accountlines_id = %s", [paid.payment_id])
    sql("UPDATE accountlines SET amountoutstanding = amount WHERE accountlines_id = %s",
        [paid.debit_id])
    AccountOffset.objects.create(credit_id=paid.payment_id, debit_id=paid.debit_id, type="VOID",
                                 amount=paid.response_body["debit"]["amount"])
    status, out = run()
    assert status == 0, out
    assert f"NOTICE intake_changed_by_koha: 1 " in out and f"intakes {paid.id})" in out


def test_anonymised_patron_is_a_notice(paid):
    sql("UPDATE accountlines SET borrowernumber = NULL WHERE accountlines_id IN (%s, %s)",
        [paid.debit_id, paid.payment_id])
    status, out = run()
    assert status == 0 and "NOTICE intake_patron_removed: 1 " in out, out


def test_since_limits_the_audit(paid):
    Intake.objects.filter(pk=paid.pk).update(created_at=timezone.now() - timedelta(days=10))
    sql(TAMPERING["intake_outstanding"].format(debit=paid.debit_id))
    assert run()[0] == 1
    day = timezone.localdate() - timedelta(days=1)
    status, out = run("--since", day.isoformat())
    assert status == 0, out
    assert f"since {day.isoformat()}: 1 intake(s)" in out


def test_json_report(paid):
    sql(TAMPERING["intake_apply_missing"].format(debit=paid.debit_id))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_ledger", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["intakes"] == 2 and report["anomalies"] == 1
    assert report["findings"][0]["code"] == "intake_apply_missing"
    assert report["findings"][0]["examples"] == [paid.id]


def test_bad_since_is_refused(paid):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("verify_ledger", "--since", "yesterday", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_an_auditor_with_select_only_can_run_it(kiosk, pay):
    """Read-only for real: a MariaDB user with nothing but SELECT runs the command in its own
    process, on the committed ledger, and it passes."""
    assert pay(key="audit-me").status_code == 201
    database = connection.settings_dict["NAME"]
    user, password = "kp_hard_auditor", "auditor-only-reads"
    sql(f"CREATE USER IF NOT EXISTS '{user}'@'%%' IDENTIFIED BY '{password}'")
    try:
        sql(f"GRANT SELECT ON `{database}`.* TO '{user}'@'%%'")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kohapay.settings",
               "DATABASE_URL": f"mysql://{user}:{password}@127.0.0.1:3306/{database}",
               "KOHAPAY_SECRET_KEY": "auditor-test", "KOHAPAY_DEBUG": "0",
               "KOHAPAY_ALLOWED_HOSTS": "localhost"}
        done = subprocess.run([sys.executable, "manage.py", "verify_ledger"], cwd=settings.BASE_DIR,
                              env=env, capture_output=True, text=True, timeout=120)
    finally:
        sql(f"DROP USER IF EXISTS '{user}'@'%%'")
    assert done.returncode == 0, done.stderr
    assert "1 intake(s)" in done.stdout and "OK: no anomaly." in done.stdout


def test_is_clean_helper_raises_on_anomaly(paid):
    assert "OK" in ledger_is_clean()
    sql(TAMPERING["intake_line_missing"].format(debit=paid.debit_id))
    with pytest.raises(CommandError):
        ledger_is_clean()

