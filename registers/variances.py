"""Cashup variances: what was counted against what the session expected, per cashup kohapay
recorded (``payments.models.CashupReconciliation``) — for the register page, the overview and
the variance report (``/registers/variances/``). Reads only; a fixed number of queries.

A variance is counted − expected: positive is a surplus (more in the till than the ledger says),
negative a deficit. Cashups recorded in classic Koha itself have no count, so no variance; those
recorded by a Koha with reconciliation show the differences its surplus/deficit lines hold
(``koha_variances``, the register page only).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Q, Sum

from koha.models import AccountLine
from koha.recipes.cashup import DEFICIT, SURPLUS
from payments.models import CashupReconciliation

ZERO = Decimal(0)


@dataclass(frozen=True)
class CountedType:
    payment_type: str
    expected: Decimal
    counted: Decimal
    difference: Decimal


@dataclass(frozen=True)
class Variance:
    """One cashup's reconciliation."""

    cashup_id: int
    register_id: int
    timestamp: datetime
    flavour: str
    note: str | None
    counts: tuple[CountedType, ...]
    recorded_by: str  # who cashed up: the Koha login or kohapay user, or the API client

    @property
    def difference(self) -> Decimal:
        return sum((c.difference for c in self.counts), ZERO)

    @property
    def kind(self) -> str:
        """``surplus``, ``deficit`` or ``balanced`` (the CSS class too)."""
        return kind_of(self.difference)

    @property
    def differing(self) -> list[CountedType]:
        return [c for c in self.counts if c.difference != ZERO]


def kind_of(difference: Decimal) -> str:
    if difference > ZERO:
        return "surplus"
    return "deficit" if difference < ZERO else "balanced"


@dataclass(frozen=True)
class CashupDifference:
    """A cashup's variance in total, counted − expected over every type counted: the overview's
    column (``Variance.difference`` and ``Variance.kind``, without the counts)."""

    cashup_id: int
    difference: Decimal

    @property
    def kind(self) -> str:
        return kind_of(self.difference)


def _records():
    return (CashupReconciliation.objects
            .select_related("action", "recorded_by__koha_link", "client")
            .prefetch_related("counts"))


def _variance(record: CashupReconciliation) -> Variance:
    return Variance(
        cashup_id=record.action_id, register_id=record.register_id,
        timestamp=record.action.timestamp if record.action else record.session_end,
        flavour=record.flavour, note=record.note,
        counts=tuple(CountedType(c.payment_type, c.expected, c.counted, c.difference)
                     for c in record.counts.all()),
        recorded_by=recorder(record))


def recorder(record: CashupReconciliation) -> str:
    if record.client is not None:
        return f"API: {record.client.name}"
    if record.recorded_by is not None:
        link = getattr(record.recorded_by, "koha_link", None)
        return link.userid if link is not None else record.recorded_by.get_username()
    return "—"


def variances_of(cashup_ids: Iterable[int]) -> dict[int, Variance]:
    """The reconciliations of these cashups (two queries; none without ids)."""
    ids = list(cashup_ids)
    if not ids:
        return {}
    return {r.action_id: _variance(r) for r in _records().filter(action_id__in=ids)}


def last_variances(last_cashups: dict[int, datetime | None]) -> dict[int, CashupDifference]:
    """register id → the variance of its last cashup (when kohapay recorded it): the overview's
    column. One query whatever the number of registers: the differences summed in SQL (the
    column shows nothing else of the counts)."""
    wanted = {rid: stamp for rid, stamp in last_cashups.items() if stamp is not None}
    if not wanted:
        return {}
    rows = (CashupReconciliation.objects
            .filter(register_id__in=list(wanted), action__timestamp__in=set(wanted.values()))
            .order_by("action__timestamp", "action_id")
            .values_list("register_id", "action_id", "action__timestamp")
            .annotate(difference=Sum("counts__difference")))
    found = {}
    for register_id, action_id, timestamp, difference in rows:
        if timestamp == wanted[register_id]:
            found[register_id] = CashupDifference(
                action_id, ZERO if difference is None else ZERO + difference)
    return found


def in_range(start: datetime, end: datetime, *, register_ids: Sequence[int] | None
             ) -> list[Variance]:
    """Every cashup kohapay recorded from ``start`` (inclusive) to ``end`` (exclusive), of these
    registers (None: all), newest first."""
    records = _records().filter(Q(action__timestamp__gte=start) & Q(action__timestamp__lt=end))
    if register_ids is not None:
        records = records.filter(register_id__in=list(register_ids))
    return [_variance(r) for r in records.order_by("-action__timestamp", "-action_id")]


def koha_variances(register_id: int, cashups: Sequence[tuple[int, datetime]],
                   prior: datetime | None, wanted: set[int]) -> dict[int, Variance]:
    """What a Koha with reconciliation recorded itself, for cashups kohapay did not record: the
    CASHUP_SURPLUS/CASHUP_DEFICIT lines of the register dated from the cashup before (``prior``
    for the oldest) up to the cashup — Koha dates them a second before the cashup or its
    CASHUP_START. Only the differences are known (Koha keeps no expected or counted amount):
    they stand as the counted side, the expected as 0. ``cashups``: every cashup shown (their
    windows), ``wanted``: those to answer for. One query."""
    if not wanted:
        return {}
    ordered = sorted(cashups, key=lambda c: (c[1], c[0]))
    lines = AccountLine.objects.filter(
        Q(credit_type_id=SURPLUS) | Q(debit_type_id=DEFICIT), register_id=register_id,
        date__lt=ordered[-1][1]).order_by("date", "pk")
    if prior is not None:
        lines = lines.filter(date__gte=prior)
    found = {}
    lines = list(lines.values_list("date", "payment_type", "amount", "note"))
    for index, (cashup_id, stamp) in enumerate(ordered):
        start = ordered[index - 1][1] if index else prior
        mine = [line for line in lines if line[0] < stamp and (start is None or line[0] >= start)]
        if mine and cashup_id in wanted:
            found[cashup_id] = Variance(
                cashup_id=cashup_id, register_id=register_id, timestamp=stamp, flavour="koha",
                note=next((note for *_, note in mine if note), None), recorded_by="Koha",
                counts=tuple(CountedType(code or "", ZERO, -amount, -amount)
                             for _, code, amount, _ in mine))
    return found
