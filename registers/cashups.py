"""Cashup history of a register, each cashup with the summary Koha computes for it
(``Koha::Cash::Register::Cashup::summary``, spec §8.4). Read-only: kohapay records no cashups.

Koha's window of a cashup C is ``P.timestamp <= date <= C.timestamp`` where P is the newest
cashup with a timestamp strictly before C's — inclusive at *both* ends, so a line dated exactly at
a cashup counts in the two windows around it — and ``date < C.timestamp`` when there is no P.
All windows of a page are summarised together: one CASE sorts each line (or offset) into a slot
between or at the cashup instants, and each summary adds up the slots of its window. The query
count is therefore fixed, whatever the number of cashups or lines.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Case, F, IntegerField, Q, QuerySet, Sum, Value, When

from koha.models import AccountLine, AccountOffset, CashRegisterAction, Patron
from registers.index_hints import ignoring_type_indexes
from registers.recency import Recency
from registers.selectors import (
    CASHUP,
    ZERO,
    DayRange,
    TypeTotal,
    first_true,
    offsets_paid_by_credits,
)


@dataclass(frozen=True)
class CashupSummary:
    """One cashup and Koha's summary of it. Koha's signs are kept: ``income_total`` and
    ``payout_total`` are absolute values, ``total`` is the net money in, ``total_grouped`` holds
    (payment type label, signed SUM(amount)) — negative for money in, as Koha returns it."""

    cashup_id: int
    timestamp: datetime
    manager: Patron | None
    recorded_amount: Decimal | None  # as stored; its sign differs between Koha versions
    from_date: datetime | None
    to_date: datetime
    income_grouped: tuple[TypeTotal, ...]
    income_total: Decimal
    payout_grouped: tuple[TypeTotal, ...]
    payout_total: Decimal
    total: Decimal
    total_grouped: tuple[tuple[str, Decimal], ...]

    @property
    def money_in_by_payment_type(self) -> list[tuple[str, Decimal]]:
        return [(label, -amount) for label, amount in self.total_grouped]


@dataclass(frozen=True)
class CashupWindows:
    """The cashup instants of a page (ascending, distinct) and the cashup just before them."""

    prior: datetime | None
    stamps: tuple[datetime, ...]

    @property
    def boundaries(self) -> list[datetime]:
        return ([self.prior] if self.prior else []) + list(self.stamps)

    def within(self, recency: Recency, prefix: str = "") -> Q:
        """Lines (reached through ``prefix``) that belong to at least one window."""
        q = Q(**{f"{prefix}date__lte": self.stamps[-1]})
        if self.prior is None:  # the register's first cashup: everything before it
            return q
        return q & Q(**{f"{prefix}date__gte": self.prior}) & recency.since(self.prior, prefix)

    def slot(self, field: str):
        """Slot 2j: strictly between boundary j−1 and boundary j; slot 2j+1: exactly at j."""
        conditions = []
        for boundary in self.boundaries:
            conditions += [Q(**{f"{field}__lt": boundary}), Q(**{f"{field}__lte": boundary})]
        return first_true(conditions)

    def slots_of(self, stamp: datetime) -> set[int]:
        j = self.boundaries.index(stamp)
        if j == 0:  # no earlier cashup: Koha takes date < C.timestamp, the boundary excluded
            return {0}
        return {2 * j - 1, 2 * j, 2 * j + 1}

    def from_date(self, stamp: datetime) -> datetime | None:
        j = self.boundaries.index(stamp)
        return self.boundaries[j - 1] if j else None


def cashup_history(register_id: int, days: DayRange, payment_types: dict[str, str],
                   *, limit: int | None = None,
                   recency: Recency | None = None) -> list[CashupSummary]:
    """Cashups of the register made during ``days``, newest first (at most ``limit``), each
    with its summary. ``payment_types`` is ``lookups.payment_type_labels()`` (code → label,
    ordered by label). The limit bounds the lines read: they start at the oldest cashup shown."""
    cashups = list(
        CashRegisterAction.objects.filter(register_id=register_id, code=CASHUP)
        .filter(days.contains("timestamp")).select_related("manager")
        .order_by("-timestamp", "-id")[:limit]
    )
    if not cashups:
        return []
    earliest = cashups[-1].timestamp
    prior = (
        CashRegisterAction.objects.filter(register_id=register_id, code=CASHUP,
                                          timestamp__lt=earliest)
        .order_by("-timestamp", "-id").values_list("timestamp", flat=True).first()
    )
    windows = CashupWindows(prior, tuple(sorted({c.timestamp for c in cashups})))
    recency = recency or Recency.current()
    lines = _line_rows(register_id, windows, recency)
    income = _grouped_rows(_income_offsets(register_id), windows, recency, "credit__",
                           "debit__debit_type")
    payout = _grouped_rows(_payout_offsets(register_id), windows, recency, "debit__",
                           "credit__credit_type")
    return [_summary(c, windows, lines, income, payout, payment_types) for c in cashups]


# Koha's own split of a window's lines: income = debit_type_code NULL, payout = credit_type_code
# NULL (each well-formed line is exactly one of the two).
KOHA_INCOME = Case(When(debit_type__isnull=True, then=Value(1)), default=Value(0),
                   output_field=IntegerField())
KOHA_PAYOUT = Case(When(credit_type__isnull=True, then=Value(1)), default=Value(0),
                   output_field=IntegerField())


def _line_rows(register_id: int, windows: CashupWindows, recency: Recency) -> list[dict]:
    return list(
        AccountLine.objects.filter(register_id=register_id).filter(windows.within(recency))
        .order_by().annotate(slot=windows.slot("date"), income=KOHA_INCOME, payout=KOHA_PAYOUT)
        .values("slot", "income", "payout", "payment_type").annotate(total=Sum("amount"))
    )


def _income_offsets(register_id: int) -> QuerySet:
    return offsets_paid_by_credits(register_id)


def _payout_offsets(register_id: int) -> QuerySet:
    """Offsets into the register's payout lines from the credits they paid out."""
    return AccountOffset.objects.filter(
        debit__register_id=register_id, debit__credit_type__isnull=True, credit__isnull=False
    ).order_by()


def _grouped_rows(offsets: QuerySet, windows: CashupWindows, recency: Recency, prefix: str,
                  type_field: str) -> list[dict]:
    rows = (
        offsets.filter(windows.within(recency, prefix))
        .annotate(slot=windows.slot(f"{prefix}date"))
        .values("slot", code=F(f"{type_field}_id"), description=F(f"{type_field}__description"))
        .annotate(total=Sum("amount"))
    )
    with ignoring_type_indexes():  # "… type_code IS NULL" must not drive the read
        return list(rows)


def _summary(cashup, windows: CashupWindows, lines, income, payout,
             payment_types: dict[str, str]) -> CashupSummary:
    slots = windows.slots_of(cashup.timestamp)
    mine = [row for row in lines if row["slot"] in slots]
    income_sum = sum((row["total"] or ZERO for row in mine if row["income"]), ZERO)
    payout_sum = sum((row["total"] or ZERO for row in mine if row["payout"]), ZERO)
    by_type = defaultdict(Decimal)
    for row in mine:
        by_type[row["payment_type"]] += (row["total"] or ZERO) * (row["income"] + row["payout"])
    return CashupSummary(
        cashup_id=cashup.id, timestamp=cashup.timestamp, manager=cashup.manager,
        recorded_amount=cashup.amount, from_date=windows.from_date(cashup.timestamp),
        to_date=cashup.timestamp,
        income_grouped=_type_totals(row for row in income if row["slot"] in slots),
        income_total=abs(income_sum),
        payout_grouped=_type_totals(row for row in payout if row["slot"] in slots),
        payout_total=abs(payout_sum),
        total=-(income_sum + payout_sum),
        total_grouped=tuple(
            (label, by_type.get(code, ZERO)) for code, label in payment_types.items()
        ),
    )


def _type_totals(rows: Iterable[dict]) -> tuple[TypeTotal, ...]:
    """Koha negates each group's offset sum and orders the groups by description."""
    totals: dict[tuple, Decimal] = defaultdict(Decimal)
    for row in rows:
        totals[(row["code"], row["description"])] += row["total"]
    ordered = sorted(totals.items(), key=lambda item: (item[0][1] or "", item[0][0] or ""))
    return tuple(
        TypeTotal(code, description or code or "", -total) for (code, description), total in ordered
    )
