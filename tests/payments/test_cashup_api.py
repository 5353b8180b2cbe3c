"""The cashup API: Koha's routes and shapes (``cashup.yaml``; ``x-koha-embed``), kohapay's
reconciliation, Koha API keys needing ``cash_management: cashup``, kohapay clients within their
registers, idempotency, and bad input refused in Koha's error shape with nothing written."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from koha.models import CashRegisterAction
from payments.services.cashups import record_cashup
from payments.services.clients import create_api_client
from tests.factories import (
    CashRegisterFactory,
    cashup,
    charge_and_pay,
    koha_api_key,
    koha_staff,
    payout,
)
from tests.helpers import bearer_client, get_token, row_counts

D = Decimal


def url(register_id=1):
    return f"/api/v1/cash_registers/{register_id}/cashups"


def pay(koha, amount, *, ago=timedelta(hours=1), register=None, **kw):
    return charge_and_pay(register=register or koha.register, at=timezone.now() - ago,
                          amount=amount, patron=koha.patron, manager=koha.staff, **kw)


@pytest.fixture
def cashier_key(koha):
    """A Koha API key whose owner holds cash_management: cashup (and nothing else)."""
    from koha.models import SystemPreference

    SystemPreference.objects.filter(variable="RESTOAuth2ClientCredentials").update(value="1")
    owner = koha_staff("backoffice", codes=[("cash_management", "cashup")], library=koha.cpl)
    return bearer_client(get_token(koha_api_key(owner))), owner


def test_post_records_a_cashup_and_answers_in_koha_shape(koha, kiosk):
    pay(koha, "412.75")
    response = kiosk.api.post(url(), {"counted": [{"payment_type": "CASH", "amount": 412.50},
                                                  {"payment_type": "SIP00", "amount": 0}],
                                      "note": "two coins short"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    action = CashRegisterAction.objects.get()
    assert response["Location"] == f"/api/v1/cashups/{action.pk}"
    assert list(body) == ["cashup_id", "cash_register_id", "manager_id", "amount", "timestamp",
                          "reconciliation"]
    assert body["cashup_id"] == action.pk and body["cash_register_id"] == 1
    assert body["manager_id"] == 51 and body["amount"] == -412.75
    assert body["timestamp"] == timezone.localtime(action.timestamp).isoformat()
    recon = body["reconciliation"]
    assert recon["flavour"] == "classic" and recon["note"] == "two coins short"
    assert recon["counted"] == [
        {"payment_type": "CASH", "expected": 412.75, "counted": 412.5, "difference": -0.25,
         "account_line_id": None},
        {"payment_type": "SIP00", "expected": 0, "counted": 0, "difference": 0,
         "account_line_id": None}]
    assert recon["total_difference"] == -0.25


def test_get_and_list_return_the_same_cashup(koha, kiosk):
    pay(koha, "2.50")
    created = kiosk.api.post(url(), {"counted": [{"payment_type": "CASH", "amount": "2.50"}]},
                             format="json").json()
    got = kiosk.api.get(f"/api/v1/cashups/{created['cashup_id']}")
    listed = kiosk.api.get(url())
    assert got.status_code == 200 and got.json() == created
    assert listed.json() == [created] and listed["X-Total-Count"] == "1"


def test_summary_is_embedded_on_request_as_koha_computes_it(koha, kiosk):
    earlier = cashup(register=koha.register, at=timezone.now() - timedelta(hours=3),
                     manager=koha.staff)
    pay(koha, "2.50", ago=timedelta(hours=3))  # at the earlier cashup: inclusive BETWEEN
    pay(koha, "4.00", payment_type="SIP00")
    payout(register=koha.register, at=timezone.now() - timedelta(minutes=30), amount="1.00",
           patron=koha.patron, manager=koha.staff)
    made = record_cashup(register_id=1, manager_id=51, counted={"CASH": D("1.5")})

    response = kiosk.api.get(f"/api/v1/cashups/{made.cashup_id}",
                             HTTP_X_KOHA_EMBED="summary")

    summary = response.json()["summary"]
    action = CashRegisterAction.objects.get(pk=made.cashup_id)
    assert summary["from_date"] == timezone.localtime(earlier.timestamp).strftime(
        "%Y-%m-%d %H:%M:%S")
    assert summary["to_date"] == timezone.localtime(action.timestamp).strftime(
        "%Y-%m-%d %H:%M:%S")
    assert summary["income_grouped"] == [
        {"total": 6.5, "debit_type_code": "PRINT", "debit_type": {"description": "Printing"}}]
    assert summary["income_total"] == 6.5 and summary["payout_total"] == 1
    assert summary["payout_grouped"] == [
        {"total": 1, "credit_type_code": "CREDIT", "credit_type": {"description": "Credit"}}]
    assert summary["total"] == 5.5
    assert {"payment_type": "Cash", "total": -1.5} in summary["total_grouped"]
    assert {"payment_type": "Cash via SIP2", "total": -4} in summary["total_grouped"]
    assert "summary" not in kiosk.api.get(f"/api/v1/cashups/{made.cashup_id}").json()


def test_the_summary_equals_the_dashboards(koha, kiosk):
    from registers.cashups import cashup_history
    from registers.lookups import payment_type_labels
    from registers.selectors import DayRange, local_today

    pay(koha, "2.50")
    pay(koha, "7.25", payment_type="SIP00", debit_type="MANUAL", description="Lost card")
    made = record_cashup(register_id=1, manager_id=51, counted={"CASH": D("2.5")})
    summary = kiosk.api.get(f"/api/v1/cashups/{made.cashup_id}",
                            HTTP_X_KOHA_EMBED="summary").json()["summary"]
    (page,) = cashup_history(1, DayRange.single(local_today()), payment_type_labels())
    assert D(str(summary["total"])) == page.total
    assert [(g["debit_type_code"], D(str(g["total"]))) for g in summary["income_grouped"]] == [
        (g.code, g.total) for g in page.income_grouped]
    assert [(g["payment_type"], D(str(g["total"]))) for g in summary["total_grouped"]] == list(
        page.total_grouped)


def test_manager_is_embedded_in_the_list_on_request(koha, kiosk):
    pay(koha, "1.00")
    record_cashup(register_id=1, manager_id=51, counted={})
    listed = kiosk.api.get(url(), HTTP_X_KOHA_EMBED="manager").json()
    assert listed[0]["manager"]["patron_id"] == 51
    for header in ("summary", "", "manager,"):
        refused = kiosk.api.get(url(), HTTP_X_KOHA_EMBED=header)
        assert refused.status_code == 400 and refused.json()["error_code"] == "invalid_embed"


def test_a_koha_key_needs_cash_management_cashup(koha, cashier_key):
    from koha.models import SystemPreference

    api, owner = cashier_key
    pay(koha, "3.00")
    created = api.post(url(), {"counted": [{"payment_type": "CASH", "amount": 3}]},
                       format="json")
    assert created.status_code == 201 and created.json()["manager_id"] == owner.pk
    clerk = koha_staff("clerk2", codes=[("updatecharges", "remaining_permissions")],
                       library=koha.cpl)
    SystemPreference.objects.filter(variable="RESTOAuth2ClientCredentials").update(value="1")
    other = bearer_client(get_token(koha_api_key(clerk)))
    refused = other.get(url())
    assert refused.status_code == 403
    assert refused.json()["required_permissions"] == {"cash_management": "cashup"}


def test_a_kohapay_client_stays_within_its_registers(koha, kiosk):
    midway = CashRegisterFactory(library=koha.mpl)
    pay(koha, "3.00", register=midway)
    before = row_counts()
    response = kiosk.api.post(url(midway.pk), {}, format="json")
    assert response.status_code == 403
    assert response.json()["error_code"] == "register_not_allowed"
    assert row_counts() == before
    made = record_cashup(register_id=midway.pk, manager_id=51, counted={})
    assert kiosk.api.get(f"/api/v1/cashups/{made.cashup_id}").status_code == 403
    narrow = create_api_client(name="Front only", staff_patron_id=51, library_ids=["CPL"],
                               register_ids=[koha.register.pk])
    other = CashRegisterFactory(library=koha.cpl)
    assert bearer_client(get_token(narrow)).get(url(other.pk)).status_code == 403


def test_an_idempotency_key_replays_the_cashup(koha, kiosk):
    pay(koha, "2.00")
    body = {"counted": [{"payment_type": "CASH", "amount": 2}]}
    first = kiosk.api.post(url(), body, format="json", HTTP_IDEMPOTENCY_KEY="close-1")
    again = kiosk.api.post(url(), body, format="json", HTTP_IDEMPOTENCY_KEY="close-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert CashRegisterAction.objects.count() == 1
    other = kiosk.api.post(url(), {"counted": []}, format="json", HTTP_IDEMPOTENCY_KEY="close-1")
    assert other.status_code == 422


@pytest.mark.parametrize("body, status, code", [
    ({"counted": [{"payment_type": "CASH", "amount": -1}]}, 400, "invalid_count"),
    ({"counted": [{"payment_type": "CASH", "amount": "12,50"}]}, 400, "invalid_count"),
    ({"counted": [{"payment_type": "CASH", "amount": "NaN"}]}, 400, "invalid_count"),
    ({"counted": [{"payment_type": "CASH", "amount": True}]}, 400, "invalid_count"),
    ({"counted": [{"payment_type": "CASH", "amount": 1.1234567}]}, 400, "invalid_count"),
    ({"counted": [{"payment_type": "SIP01", "amount": 1}]}, 400, "payment_type_not_counted"),
    ({"counted": [{"payment_type": "CASH", "amount": 1}, {"payment_type": "CASH", "amount": 1}]},
     400, "duplicate_count"),
    ({"counted": [{"payment_type": "CASH"}]}, 400, "invalid_count"),
    ({"counted": [{"amount": 1}]}, 400, "invalid_request"),
    ({"counted": "CASH"}, 400, "invalid_request"),
    ({"countd": []}, 400, "unknown_property"),
    ({"counted": [{"payment_type": "CASH", "amount": 1, "x": 1}]}, 400, "unknown_property"),
    ({"note": 5}, 400, "invalid_request"),
    ([], 400, "invalid_request"),
])
def test_bad_input_is_a_clear_4xx_and_writes_nothing(koha, kiosk, body, status, code):
    pay(koha, "2.00")
    before = row_counts()
    response = kiosk.api.post(url(), body, format="json")
    assert response.status_code == status, response.content
    assert response.json()["error_code"] == code and response.json()["error"].endswith(".")
    assert row_counts() == before


@pytest.mark.parametrize("path, code", [
    ("/api/v1/cash_registers/x/cashups", "invalid_cash_register_id"),
    ("/api/v1/cash_registers/999/cashups", "cash_register_not_found"),
    ("/api/v1/cashups/abc", "invalid_cashup_id"),
    ("/api/v1/cashups/999", "cashup_not_found"),
    ("/api/v1/cash_registers/1/cashups?_page=0", "invalid_page"),
    ("/api/v1/cash_registers/1/cashups?_per_page=zz", "invalid_per_page"),
    ("/api/v1/cash_registers/1/cashups?q=%7B%7D", "unknown_parameter"),
    ("/api/v1/cashups/1?x=1", "unknown_parameter"),
])
def test_bad_paths_and_queries_are_koha_errors(koha, kiosk, path, code):
    response = kiosk.api.get(path)
    assert response.status_code in (400, 404) and response.json()["error_code"] == code


def test_nothing_to_cash_up_is_refused(koha, kiosk):
    response = kiosk.api.post(url(), {}, format="json")
    assert response.status_code == 400 and response.json()["error_code"] == "empty_session"


def test_pages_of_cashups_newest_first(koha, kiosk):
    for hours in (5, 4, 3):
        cashup(register=koha.register, at=timezone.now() - timedelta(hours=hours),
               manager=koha.staff)
    page = kiosk.api.get(url() + "?_per_page=2&_page=2").json()
    everything = kiosk.api.get(url() + "?_per_page=-1").json()
    assert len(everything) == 3 and page == everything[2:]
    assert everything[0]["timestamp"] > everything[1]["timestamp"]
