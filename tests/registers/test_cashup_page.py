"""The dashboard's cash-up action: who gets it (Koha's cash_management: cashup, kohapay's
Finance staff with a manager patron — never an auditor, on any route), what it shows (the open
session, expected per counted payment type, the flavour), the POST (CSRF, Koha's refusals shown
plainly, nothing written), and the variance it leaves on the register page and the overview."""
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from koha.models import CashRegisterAction
from payments.models import CashupReconciliation
from tests.factories import cashup, charge_and_pay, reconciliation_types
from tests.helpers import every_url, row_counts, set_preference, table_rows

D = Decimal
PAGE = "/registers/1/cashup/"


def pay(koha, amount, ago=timedelta(hours=1), **kw):
    return charge_and_pay(register=koha.register, at=timezone.now() - ago, amount=amount,
                          patron=koha.patron, manager=koha.staff, **kw)


def session_start(html: str) -> str:
    return re.search(r'name="session_start" value="([^"]*)"', html).group(1) if \
        'name="session_start" value=' in html else ""


def test_a_koha_officer_cashes_up_with_a_deficit(koha, koha_client, koha_officer):
    pay(koha, "12.50")
    pay(koha, "3.00", payment_type="SIP00")
    register_page = koha_client.get("/registers/1/").content.decode()
    assert 'id="cash-up"' in register_page

    page = koha_client.get(PAGE)
    html = page.content.decode()
    assert page.status_code == 200 and 'data-flavour="classic"' in html
    rows = {r["attrs"]["data-payment-type"]: r["cells"] for r in table_rows(html, "cashup-counts")
            if "data-payment-type" in r["attrs"]}
    assert rows["CASH"][:2] == ["Cash CASH", "12.50"] and rows["SIP00"][1] == "3.00"

    done = koha_client.post(PAGE, {"count_CASH": "12.00", "count_SIP00": "3",
                                   "note": "fifty pence short",
                                   "session_start": session_start(html)})

    action = CashRegisterAction.objects.get(code="CASHUP")
    assert done.status_code == 302 and done["Location"].endswith(f"#cashup-{action.pk}")
    assert action.manager_id == koha_officer.pk and action.amount == D("-15.5")
    record = CashupReconciliation.objects.get(action_id=action.pk)
    assert record.recorded_by.koha_link.borrowernumber == koha_officer.pk
    after = koha_client.get("/registers/1/").content.decode()
    assert f'data-variance="{D("-0.500000")}"' in after or 'data-variance="-0.5' in after
    assert 'class="variance deficit"' in after and "fifty pence short" in after
    overview = koha_client.get("/registers/").content.decode()
    assert 'class="variance deficit"' in overview


def test_an_auditor_gets_no_button_no_form_and_writes_nothing(koha, auditor_client):
    pay(koha, "5.00")
    before = row_counts()
    assert 'id="cash-up"' not in auditor_client.get("/registers/1/").content.decode()
    assert auditor_client.get(PAGE).status_code == 403
    assert auditor_client.post(PAGE, {"count_CASH": "5"}).status_code == 403
    for url in every_url():
        if url.startswith(("/accounts/", "/admin/")):
            continue
        html = auditor_client.get(url).content.decode(errors="replace")
        forms = re.findall(r'<form[^>]*method="post"[^>]*>', html, re.I)
        assert all('action="/accounts/logout/"' in f for f in forms), (url, forms)
        assert "Record cashup" not in html and 'id="cash-up"' not in html, url
    assert row_counts() == before


def test_a_koha_login_in_the_auditors_group_is_refused(koha, koha_client, koha_officer):
    from django.contrib.auth.models import User

    from registers.access import ensure_groups

    User.objects.get(koha_link__borrowernumber=koha_officer.pk).groups.add(
        ensure_groups()["Auditors"])
    assert koha_client.get(PAGE).status_code == 403


def test_kohapay_finance_staff_cash_up_as_the_configured_patron(koha, finance_client, settings):
    pay(koha, "2.00")
    assert finance_client.get(PAGE).status_code == 403  # no patron to record as
    settings.KOHAPAY_CASHUP_MANAGER_ID = 51
    assert finance_client.post(PAGE, {"count_CASH": "2"}).status_code == 302
    assert CashRegisterAction.objects.get().manager_id == 51
    assert CashupReconciliation.objects.get().recorded_by.username == "fiona"


def test_without_a_csrf_token_nothing_is_written(koha, finance, settings):
    settings.KOHAPAY_CASHUP_MANAGER_ID = 51
    pay(koha, "2.00")
    client = Client(enforce_csrf_checks=True)
    client.force_login(finance)
    assert client.post(PAGE, {"count_CASH": "2"}).status_code == 403
    assert not CashRegisterAction.objects.exists()


def test_refusals_show_the_page_again_and_write_nothing(koha, koha_client):
    cashup(register=koha.register, at=timezone.now() - timedelta(hours=2), manager=koha.staff)
    before = row_counts()
    empty = koha_client.post(PAGE, {"count_CASH": "0"})
    assert empty.status_code == 400 and b"There is nothing to cash up" in empty.content
    assert row_counts() == before
    pay(koha, "4.00")
    set_preference("CashupReconciliationNoteRequired", "1")
    before = row_counts()
    missing = koha_client.post(PAGE, {"count_CASH": "3"})
    assert missing.status_code == 400 and b"A note is required" in missing.content
    bad = koha_client.post(PAGE, {"count_CASH": "-3"})
    assert bad.status_code == 400 and b"Check the counts" in bad.content
    stale = koha_client.post(PAGE, {"count_CASH": "4", "session_start": "2020-01-01T00:00:00"})
    assert stale.status_code == 409 and b"Someone else cashed up" in stale.content
    assert row_counts() == before


def test_the_page_of_another_librarys_register_is_404(koha, koha_client):
    from tests.factories import CashRegisterFactory

    midway = CashRegisterFactory(library=koha.mpl)
    assert koha_client.get(f"/registers/{midway.pk}/cashup/").status_code == 404


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_refused(koha, koha_client, method):
    assert getattr(koha_client, method)(PAGE).status_code == 405


def test_two_phase_on_a_koha_with_reconciliation(koha, koha_client):
    reconciliation_types()
    pay(koha, "8.00")
    html = koha_client.get(PAGE).content.decode()
    assert 'data-flavour="reconciling"' in html and 'id="start-cashup"' in html
    started = koha_client.post(PAGE, {"action": "start", "session_start": session_start(html)})
    assert started.status_code == 302
    assert CashRegisterAction.objects.get().code == "CASHUP_START"
    html = koha_client.get(PAGE).content.decode()
    assert "Complete the cashup" in html and 'id="start-cashup"' not in html
    done = koha_client.post(PAGE, {"count_CASH": "7.50", "note": "short",
                                   "session_start": session_start(html)})
    assert done.status_code == 302
    from koha.models import AccountLine

    deficit = AccountLine.objects.get(debit_type_id="CASHUP_DEFICIT")
    assert deficit.amount == D("0.5") and deficit.note == "short"
