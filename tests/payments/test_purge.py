"""purge_idempotency_keys forgets expired keys and keeps the audit rows."""
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from payments.models import Intake
from tests.payments.conftest import payments_url


def test_expired_keys_are_forgotten_and_the_intake_stays(kiosk, pay):
    old = pay(key="old", external_id="ref-old").json()
    pay(key="recent")
    Intake.objects.filter(idempotency_key="old").update(
        created_at=timezone.now() - timedelta(days=31))
    out = StringIO()
    call_command("purge_idempotency_keys", stdout=out)
    assert "Forgot 1 idempotency key(s) older than 30 day(s)" in out.getvalue()
    assert Intake.objects.count() == 2
    assert sorted(Intake.objects.values_list("idempotency_key", flat=True), key=str) == [
        None, "recent"]
    # the recent key still replays; the old payment is still readable and its reference guarded
    assert pay(key="recent")["Idempotent-Replayed"] == "true"
    assert kiosk.api.get(payments_url(42, old["payment_id"])).json() == old
    assert pay(key="old", external_id="ref-old").status_code == 409
    # the forgotten key's promise is over: with a new reference it records a new payment
    assert pay(key="old").status_code == 201 and Intake.objects.count() == 3


def test_days_option(kiosk, pay):
    pay(key="k")
    Intake.objects.update(created_at=timezone.now() - timedelta(days=3))
    call_command("purge_idempotency_keys", "--days", "5", stdout=StringIO())
    assert Intake.objects.get().idempotency_key == "k"
    call_command("purge_idempotency_keys", "--days", "2", stdout=StringIO())
    assert Intake.objects.get().idempotency_key is None
