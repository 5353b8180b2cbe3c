"""Every line of one register on one local day, with what it paid and who recorded it.

Three queries whatever the number of lines: the lines (with patron, staff and types joined), the
offsets linking them to the lines they paid or consumed, and kohapay's intake records of them.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q

from payments.models import AccountLine, AccountOffset, Intake, Patron
from registers.recency import Recency
from registers.selectors import ZERO, DayRange, local_time, register_lines


@dataclass(frozen=True)
class LinkedLine:
    """The other side of an offset: the debit a credit paid, or the credit a payout consumed."""

    line_id: int
    type_code: str | None
    type_description: str
    description: str
    amount: Decimal  # money moved between the two lines (positive)


@dataclass(frozen=True)
class DayLine:
    line_id: int
    time: datetime  # local wall-clock time
    is_credit: bool
    type_code: str | None
    type_description: str
    description: str
    note: str
    amount: Decimal  # money into the register: −accountlines.amount
    payment_type: str | None
    patron: Patron | None
    manager: Patron | None
    linked: tuple[LinkedLine, ...]
    client_name: str | None  # the kohapay API client that recorded it, if any
    external_id: str | None
    intake_id: int | None


def day_lines(register_id: int, day: date, payment_type: str | None = None,
              *, recency: Recency | None = None) -> list[DayLine]:
    recency = recency or Recency.current()
    lines = list(
        register_lines([register_id], payment_type).filter(DayRange.single(day).lines(recency))
        .select_related("patron", "manager", "credit_type", "debit_type")
        .order_by("date", "accountlines_id")
    )
    linked = _linked_lines(lines)
    intakes = {
        intake.payment_id: intake
        for intake in Intake.objects.filter(payment_id__in=[ln.pk for ln in lines])
        .select_related("client")
    } if lines else {}
    return [_day_line(line, linked[line.pk], intakes.get(line.pk)) for line in lines]


def _linked_lines(lines: list[AccountLine]) -> dict[int, list[LinkedLine]]:
    """line id → the lines its offsets link it to (credits: the debits they paid; debits: the
    credits paid out through them)."""
    credit_ids = [ln.pk for ln in lines if ln.credit_type_id]
    debit_ids = [ln.pk for ln in lines if not ln.credit_type_id]
    found: dict[int, list[LinkedLine]] = defaultdict(list)
    if not lines:
        return found
    offsets = (
        AccountOffset.objects.filter(
            Q(credit_id__in=credit_ids, debit__isnull=False)
            | Q(debit_id__in=debit_ids, credit__isnull=False)
        )
        .select_related("debit__debit_type", "credit__credit_type").order_by("id")
    )
    wanted_credits, wanted_debits = set(credit_ids), set(debit_ids)
    for offset in offsets:
        if offset.credit_id in wanted_credits:
            found[offset.credit_id].append(_linked(offset.debit, offset.debit.debit_type, offset))
        if offset.debit_id in wanted_debits:
            found[offset.debit_id].append(_linked(offset.credit, offset.credit.credit_type, offset))
    return found


def _linked(line: AccountLine, line_type, offset: AccountOffset) -> LinkedLine:
    return LinkedLine(
        line_id=line.pk,
        type_code=line_type.code if line_type else None,
        type_description=(line_type.description if line_type else None) or "",
        description=line.description or "",
        amount=-offset.amount,
    )


def _day_line(line: AccountLine, linked: list[LinkedLine], intake: Intake | None) -> DayLine:
    line_type = line.credit_type or line.debit_type
    return DayLine(
        line_id=line.pk,
        time=local_time(line.date),
        is_credit=line.credit_type_id is not None,
        type_code=line_type.code if line_type else None,
        type_description=(line_type.description if line_type else None) or "",
        description=line.description or "",
        note=line.note or "",
        amount=-(line.amount or ZERO),
        payment_type=line.payment_type,
        patron=line.patron,
        manager=line.manager,
        linked=tuple(linked),
        client_name=intake.client.name if intake else None,
        external_id=intake.external_id if intake else None,
        intake_id=intake.pk if intake else None,
    )
