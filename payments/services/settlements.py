"""Device settlements: a kiosk's or gateway's own end-of-day totals for one register and local
day (kohapay's tables only; nothing is written to Koha's).

In one durable transaction, with the register's row locked (reports for one register wait for
each other, so exactly one report per source and day is current): the new report and its
totals, then the source's earlier report for that register and day marked replaced — kept, as
history. Safe to retry: the same ``Idempotency-Key`` or ``external_id`` with the same request
replays the report; with another request it is refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction

from koha.models import CashRegister
from payments.cashups import exceptions as err
from payments import exceptions as payment_err
from payments.models import ApiClient, Settlement, SettlementTotal


@dataclass(frozen=True)
class SettlementResult:
    settlement: Settlement
    replayed: bool


def record_settlement(*, client: ApiClient, register_id: int, day: date,
                      totals: list[tuple[str, Decimal, int | None]], external_id: str | None,
                      idempotency_key: str | None, request_hash: str) -> SettlementResult:
    guard = {"client": client, "idempotency_key": idempotency_key, "external_id": external_id,
             "request_hash": request_hash}
    earlier = _earlier(**guard)
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic(durable=True):
            if not CashRegister.objects.select_for_update().filter(pk=register_id).exists():
                raise err.CashRegisterNotFound()
            settlement = Settlement.objects.create(
                client=client, register_id=register_id, day=day, external_id=external_id,
                idempotency_key=idempotency_key, request_hash=request_hash)
            SettlementTotal.objects.bulk_create(
                SettlementTotal(settlement=settlement, payment_type=code, amount=amount,
                                count=count) for code, amount, count in totals)
            Settlement.objects.filter(
                client=client, register_id=register_id, day=day, replaced_by__isnull=True,
            ).exclude(pk=settlement.pk).update(replaced_by=settlement)
    except IntegrityError:
        earlier = _earlier(**guard)  # a concurrent twin committed first
        if earlier is not None:
            return earlier
        raise payment_err.ConcurrentChange() from None
    return SettlementResult(settlement, replayed=False)


def _earlier(*, client, idempotency_key, external_id, request_hash) -> SettlementResult | None:
    for field, value in (("idempotency_key", idempotency_key), ("external_id", external_id)):
        if value is None:
            continue
        found = Settlement.objects.filter(client=client, **{field: value}).first()
        if found is None:
            continue
        if found.request_hash == request_hash:
            return SettlementResult(found, replayed=True)
        if field == "idempotency_key":
            raise err.IdempotencyKeyConflict()
        raise err.CashupConflict(
            f"This client already reported settlement {found.pk} with external_id "
            f"'{external_id}'.", code="duplicate_external_id")
    return None
