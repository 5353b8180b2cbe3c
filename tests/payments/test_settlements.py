"""Device settlements: a kiosk's or gateway's own day totals, compared with the register's lines
of that local day; idempotent; a second report replaces the first and keeps it; bad input is a
Koha-shaped 4xx that writes nothing."""
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from payments.models import Settlement
from payments.settlements.selectors import local_today
from tests.factories import CashRegisterFactory, charge_and_pay, payout
from tests.helpers import row_counts

D = Decimal
URL = "/api/v1/cash_registers/1/settlements"
DAY = date(2026, 12, 4)


def body(amount=812.40, count=97, payment_type="CARD", **kw):
    return {"date": DAY.isoformat(), "totals": [{"payment_type": payment_type, "amount": amount,
                                                  "count": count}], **kw}


def card_day(koha):
    for hour, amount in ((9, "800.00"), (23, "12.40")):
        charge_and_pay(register=koha.register, at=datetime(2026, 12, 4, hour, tzinfo=UTC),
                       amount=amount, patron=koha.patron, manager=koha.staff,
                       payment_type="CARD")
    charge_and_pay(register=koha.register, at=datetime(2026, 12, 5, 0, 30, tzinfo=UTC),
                   amount="99", patron=koha.patron, manager=koha.staff, payment_type="CARD")


def test_a_matching_report(koha, kiosk):
    card_day(koha)
    response = kiosk.api.post(URL, body(external_id="gw-batch-3312"), format="json")
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["matches"] is True and answer["date"] == "2026-12-04"
    assert answer["compared"] == [{"payment_type": "CARD", "reported": 812.4,
                                   "reported_count": 97, "recorded": 812.4,
                                   "recorded_count": 2, "difference": 0}]


def test_days_are_koha_local_days(koha, kiosk, new_york):
    card_day(koha)  # 23:00 UTC on the 4th is 18:00 in New York; 00:30 UTC on the 5th, 19:30
    answer = kiosk.api.post(URL, body(amount=911.40), format="json").json()
    assert answer["compared"][0]["recorded"] == 911.4 and answer["matches"]


def test_a_mismatch_and_payouts(koha, kiosk):
    card_day(koha)
    payout(register=koha.register, at=datetime(2026, 12, 4, 15, tzinfo=UTC), amount="2.00",
           patron=koha.patron, manager=koha.staff, payment_type="CARD")
    answer = kiosk.api.post(URL, body(amount="815.00"), format="json").json()
    assert answer["matches"] is False
    assert answer["compared"][0]["recorded"] == 810.4
    assert answer["compared"][0]["difference"] == 4.6


def test_a_second_report_replaces_the_first_and_keeps_it(koha, kiosk):
    first = kiosk.api.post(URL, body(external_id="gw-1"), format="json").json()
    second = kiosk.api.post(URL, body(amount=1, external_id="gw-2"), format="json").json()
    old, new = Settlement.objects.order_by("pk")
    assert (old.pk, new.pk) == (first["settlement_id"], second["settlement_id"])
    assert old.replaced_by_id == new.pk and new.replaced_by_id is None


def test_retries_are_replays(koha, kiosk):
    first = kiosk.api.post(URL, body(external_id="gw-1"), format="json")
    again = kiosk.api.post(URL, body(external_id="gw-1"), format="json")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and Settlement.objects.count() == 1
    other = kiosk.api.post(URL, body(amount=1, external_id="gw-1"), format="json")
    assert other.status_code == 409 and other.json()["error_code"] == "duplicate_external_id"
    keyed = kiosk.api.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert kiosk.api.post(URL, body(amount=2), format="json",
                          HTTP_IDEMPOTENCY_KEY="k1").status_code == 422
    assert keyed.status_code == 201


@pytest.mark.parametrize("payload, code", [
    (body(amount="8,12"), "invalid_amount"),
    (body(amount="NaN"), "invalid_amount"),
    (body(amount=1.1234567), "invalid_amount"),
    (body(count=-1), "invalid_request"),
    ({**body(), "date": "2026-13-01"}, "invalid_request"),
    ({**body(), "date": (local_today() + timedelta(days=1)).isoformat()}, "invalid_date"),
    ({**body(), "totals": []}, "invalid_request"),
    ({**body(), "totals": body()["totals"] * 2}, "duplicate_count"),
    ({**body(), "extra": 1}, "unknown_property"),
    ({"totals": body()["totals"]}, "invalid_request"),
])
def test_bad_reports_write_nothing(koha, kiosk, payload, code):
    before = row_counts()
    response = kiosk.api.post(URL, payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error_code"] == code
    assert row_counts() == before and not Settlement.objects.exists()


def test_outside_the_clients_registers(koha, kiosk):
    midway = CashRegisterFactory(library=koha.mpl)
    response = kiosk.api.post(f"/api/v1/cash_registers/{midway.pk}/settlements", body(),
                              format="json")
    assert response.status_code == 403 and not Settlement.objects.exists()
    assert kiosk.api.post("/api/v1/cash_registers/999/settlements", body(),
                          format="json").status_code == 404
