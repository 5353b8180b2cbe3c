"""What a device's settlement is compared with: the register's own lines of that local day
(``KOHA_TIME_ZONE``; midnights computed with zoneinfo, as the dashboard's days), per payment
type — money in, payouts deducted (−SUM(amount)), and the number of lines. Reads only."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Sum

from koha.models import AccountLine
from payments.models import Settlement

ZERO = Decimal(0)


def local_today() -> date:
    return datetime.now(ZoneInfo(settings.KOHA_TIME_ZONE)).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants at which the local day starts and the next one starts."""
    zone = ZoneInfo(settings.KOHA_TIME_ZONE)
    start, end = (datetime.combine(d, time.min, tzinfo=zone).astimezone(UTC)
                  for d in (day, day + timedelta(days=1)))
    return start, end


def recorded(register_id: int, day: date) -> dict[str | None, tuple[Decimal, int]]:
    """payment type → (money in, lines) of the register's lines dated that local day."""
    start, end = day_bounds(day)
    rows = (AccountLine.objects.filter(register_id=register_id, date__gte=start, date__lt=end)
            .order_by().values("payment_type").annotate(total=Sum("amount"), n=Count("pk")))
    return {row["payment_type"]: (-(row["total"] or ZERO) + ZERO, row["n"]) for row in rows}


@dataclass(frozen=True)
class Compared:
    """One reported payment type against the register's record of it."""

    payment_type: str
    reported: Decimal
    reported_count: int | None
    recorded: Decimal
    recorded_count: int

    @property
    def difference(self) -> Decimal:
        """reported − recorded: positive, the device took more than the register shows."""
        return self.reported - self.recorded


def compare(settlement: Settlement,
            record: dict[str | None, tuple[Decimal, int]] | None = None) -> list[Compared]:
    """The settlement's payment types against the register's lines of its day (only the types
    the device reports: a card gateway's report says nothing about the till's cash)."""
    record = recorded(settlement.register_id, settlement.day) if record is None else record
    return [Compared(t.payment_type, t.amount, t.count, *record.get(t.payment_type, (ZERO, 0)))
            for t in settlement.totals.all()]
