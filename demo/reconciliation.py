"""The demo's cashups with variances and a gateway's day totals — written through kohapay's own
services (``payments.services.cashups``, ``payments.services.settlements``), as finance staff
and a kiosk would, so the variance report has something to show.

- Cashups: the open sessions of three registers (left open since yesterday by the history,
  ``history.write_history(keep_open=…)``) are cashed up now, recorded by the demo's Finance staff
  user as the demo's Koha finance officer — one counted short (a deficit), one over (a surplus),
  one exact.
- Settlements: the demo kiosk reports the card and SIP totals of the last two closed days for
  its register; one day's report is off by 5.00 (a mismatch on the overview and the report).
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from koha.models import CashRegister, Patron
from payments.cashups.exceptions import CashupError
from payments.cashups.selectors import cashup_settings, open_session
from payments.models import ApiClient
from payments.services.cashups import record_cashup
from payments.services.settlements import record_settlement
from payments.settlements.selectors import local_today, recorded

VARIANCES = (Decimal("-2.35"), Decimal("1.00"), Decimal("0"))
NOTES = ("Two coins short in the cash drawer", "A note found under the tray", None)
MISMATCH = Decimal("5.00")


def cashup_manager() -> Patron | None:
    return (Patron.objects.filter(userid="finance_officer").first()
            or Patron.objects.exclude(flags__isnull=True).exclude(flags=0).order_by("pk").first())


def seed_cashups() -> int:
    """Cash up a few open sessions with variances; the number written."""
    manager, finance = cashup_manager(), User.objects.filter(username="finance").first()
    if manager is None:
        return 0
    payment_types = cashup_settings().payment_types
    made = 0
    for register in CashRegister.objects.filter(archived=False).order_by("id"):
        if made == len(VARIANCES):
            break
        session = open_session(register, now=timezone.now())
        if session.total == 0:
            continue
        counted = {code: max(session.expected(code), Decimal(0)) for code in payment_types}
        largest = max(payment_types, key=session.expected)  # the till's cash (or SIP cash)
        if counted[largest] + VARIANCES[made] < 0:
            continue
        counted[largest] += VARIANCES[made]
        try:
            record_cashup(register_id=register.pk, manager_id=manager.pk, counted=counted,
                          note=NOTES[made], recorded_by=finance)
        except CashupError:
            continue  # a session that closed meanwhile: the demo has others
        made += 1
    return made


def seed_settlements(client_name: str) -> int:
    """The kiosk's reports of its register's last two closed days; one of them off."""
    client = ApiClient.objects.filter(name=client_name).first()
    register = CashRegister.objects.filter(archived=False).order_by("id").first()
    if client is None or register is None:
        return 0
    made = 0
    for back in (1, 2):
        day = local_today() - timedelta(days=back)
        totals = [(code, amount, count) for code, (amount, count)
                  in sorted(recorded(register.pk, day).items(), key=lambda item: item[0] or "")
                  if code and code != "CASH"]
        if not totals:
            continue
        if back == 1:  # yesterday's gateway batch is 5.00 short of the register
            code, amount, count = totals[0]
            totals[0] = (code, amount - MISMATCH, count)
        record_settlement(client=client, register_id=register.pk, day=day, totals=totals,
                          external_id=f"demo-gw-{day:%Y%m%d}", idempotency_key=None,
                          request_hash=f"demo-{day:%Y%m%d}-{len(totals)}")
        made += 1
    return made
