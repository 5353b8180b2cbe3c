"""purge_idempotency_keys forgets expired keys and keeps the audit rows; it also deletes the rate
limits' counters of ended windows."""
import time
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from core.models import RateCounter
from core.rate_counter import count_hit
from payments.models import Intake
from tests.helpers import payments_url


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


def test_rate_limit_counters_of_ended_windows_are_deleted(db):
    now = time.time()
    count_hit("api", "client-old", 86400, now=now - 2 * 86400)  # a day-long window, long over
    count_hit("api", "client-old", 60, now=now - 86400 - 120)  # a minute, a day and more ago
    count_hit("token-ip", "ip-10.0.0.1", 86400, now=now)  # today's window: may still be running
    count_hit("api", "client-new", 60, now=now)
    out = StringIO()
    call_command("purge_idempotency_keys", stdout=out)
    assert "Deleted 2 rate-limit counter(s) of ended windows." in out.getvalue()
    assert sorted(RateCounter.objects.values_list("ident", flat=True)) == [
        "client-new", "ip-10.0.0.1"]


def test_expired_koha_key_tokens_are_deleted(koha_key, key_pay):
    from payments.models import KohaKeyToken
    from tests.factories import koha_api_key
    from tests.helpers import get_token

    other = koha_api_key(koha_key.owner, description="Stopped asking")
    get_token(other)
    KohaKeyToken.objects.exclude(client__koha_client_id=koha_key.credentials.client_id).update(
        expires=timezone.now() - timedelta(seconds=1))
    out = StringIO()
    call_command("purge_idempotency_keys", stdout=out)
    assert "Deleted 1 expired Koha API key token(s)." in out.getvalue()
    assert KohaKeyToken.objects.count() == 1
    assert key_pay().status_code == 201  # the living token is untouched
