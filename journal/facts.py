"""What a selection of register lines contributed to the till, as *facts* — the one place that
reads the ledger for the journal.

A fact is an amount keyed by ``(day, library, payment type, flow, kind, code)``, signed as the
till sees it (money in positive, money out negative). Every register line (a line carrying a
``register_id``) gives one *clearing* fact — its payment type, −``amount`` — and *category* facts
that sum to the same amount, saying what the money was for:

- a **credit** (flow ``in``: a payment, a sale, a cashup surplus): what it paid, by the type of
  each debit its offsets reach (APPLY, and VOID offsets that give a voided payment back, as the
  register pages count them: ``registers.selectors.offsets_paid_by_credits``), and the rest —
  money not applied to any debit — under its own credit type;
- a **debit** (flow ``out``: a payout, a cashup deficit): what the credits it consumed had been —
  a REFUND credit by the type of the debit it refunded (``Line::reduce`` links the two), any other
  credit (a patron's credit paid out) by its credit type — and the rest under its own debit type.

Lines belong to the libraries of their registers. Three queries, whatever the days or lines
(plus ``Recency``'s): the lines' totals, the offsets from the credits, the offsets into the debits.
With ``per_line`` the same queries keep each line apart (for posting, ``journal.services``).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Case, F, OuterRef, Q, Subquery, Sum, When

from koha.models import AccountLine, AccountOffset
from registers.index_hints import REGISTER_INDEX, ignoring_type_indexes
from registers.recency import Recency
from registers.selectors import DayRange, koha_zone

IN, OUT = "in", "out"
PAYMENT_TYPE, DEBIT_TYPE, CREDIT_TYPE = "payment_type", "debit_type", "credit_type"
REFUND = "REFUND"
ZERO = Decimal(0)


class Key(NamedTuple):
    day: date
    library: str
    payment_type: str  # '' for lines without one
    flow: str  # IN (a credit's) or OUT (a debit's)
    kind: str  # PAYMENT_TYPE (clearing), DEBIT_TYPE or CREDIT_TYPE (what it was for)
    code: str


class LineKey(NamedTuple):
    accountlines_id: int
    register_id: int
    key: Key


class Days(DayRange):
    """Local days for a cashup's session, which may be longer than a page's range."""

    def __post_init__(self):
        if self.last < self.first:
            raise ValueError("The end date is before the start date.")


@dataclass(frozen=True)
class Selection:
    """The register lines a journal covers: the registers' lines dated within ``days`` — or,
    for a cashup, within its session (``after`` < date <= ``until``)."""

    register_ids: tuple[int, ...]
    days: DayRange
    after: datetime | None = None
    until: datetime | None = None
    cashup_id: int | None = None

    @classmethod
    def for_session(cls, register_id: int, cashup_id: int, after: datetime | None,
                    until: datetime, first_line: datetime | None) -> Selection:
        first = after or first_line or until
        days = Days(_local_day(first), _local_day(until))
        return cls((register_id,), days, after, until, cashup_id)

    @property
    def indexes_ignored(self) -> tuple[str, ...]:
        """Beyond the type indexes (which must never drive these reads): a range of days reads
        every register through ``timeidx`` — the register index would read each register's
        whole history (docs/performance.md, "Issue 19"). A cashup's session is one register's."""
        return (REGISTER_INDEX,) if self.cashup_id is None else ()

    def lines(self, recency: Recency | None = None, prefix: str = "") -> Q:
        """The selection's lines (reached through ``prefix``); with ``recency``, also the
        condition that lets MariaDB read only the recent part of Koha's ``timeidx``."""
        if self.cashup_id is None:
            lower, window = self.days.start, self.days.contains(f"{prefix}date")
        else:
            lower, window = self.after, Q(**{f"{prefix}date__lte": self.until})
            if lower is not None:
                window &= Q(**{f"{prefix}date__gt": lower})
        if recency is not None and lower is not None:
            window &= recency.since(lower, prefix)
        return window


def _local_day(instant: datetime) -> date:
    return instant.astimezone(koha_zone()).date()


def first_line(register_id: int, until: datetime) -> datetime | None:
    """The date of a register's first line up to ``until`` (a first cashup's session start)."""
    return (AccountLine.objects.filter(register_id=register_id, date__lte=until).order_by("date")
            .values_list("date", flat=True).first())


def facts(selection: Selection, *, per_line: bool = False,
          recency: Recency | None = None) -> dict:
    """Key (or ``LineKey`` with ``per_line``) → signed amount, zeros left out."""
    recency = recency or Recency.current()
    found: dict = defaultdict(Decimal)
    fold = _Fold(selection.days.days, found, per_line)
    with ignoring_type_indexes(*selection.indexes_ignored):  # see ``indexes_ignored``
        for row in _line_totals(selection, recency, per_line):
            fold.line(row)
        for row in _paid_by_credits(selection, recency, per_line):
            fold.paid(row)
        for row in _consumed_by_debits(selection, recency, per_line):
            fold.consumed(row)
    return {key: amount for key, amount in found.items() if amount}


def _grouped(queryset, prefix: str, selection: Selection, per_line: bool, **fields):
    where = {"day": selection.days.day_index(f"{prefix}date"),
             "library": F(f"{prefix}register__library_id"),
             "payment_type": F(f"{prefix}payment_type"), **fields}
    if per_line:
        where.update(line=F(f"{prefix}accountlines_id"), register=F(f"{prefix}register_id"))
    return queryset.order_by().values(**{f"f_{name}": value for name, value in where.items()})


def _line_totals(selection: Selection, recency: Recency, per_line: bool):
    lines = AccountLine.objects.filter(selection.lines(recency),
                                       register_id__in=selection.register_ids)
    return _grouped(lines, "", selection, per_line, credit_type=F("credit_type_id"),
                    debit_type=F("debit_type_id")).annotate(total=Sum("amount"))


def _paid_by_credits(selection: Selection, recency: Recency, per_line: bool):
    offsets = AccountOffset.objects.filter(
        selection.lines(recency, "credit__"), credit__register_id__in=selection.register_ids,
        credit__credit_type__isnull=False, debit__isnull=False)
    return _grouped(offsets, "credit__", selection, per_line,
                    credit_type=F("credit__credit_type_id"),
                    debit_type=F("debit__debit_type_id")).annotate(total=Sum("amount"))


def _consumed_by_debits(selection: Selection, recency: Recency, per_line: bool):
    refunded = AccountOffset.objects.filter(
        credit_id=OuterRef("credit_id"), debit__isnull=False).exclude(
        debit_id=OuterRef("debit_id")).order_by("id").values("debit__debit_type_id")[:1]
    offsets = AccountOffset.objects.filter(
        selection.lines(recency, "debit__"), debit__register_id__in=selection.register_ids,
        debit__credit_type__isnull=True, credit__isnull=False)
    return _grouped(
        offsets, "debit__", selection, per_line, debit_type=F("debit__debit_type_id"),
        credit_type=F("credit__credit_type_id"),
        refunded=Case(When(credit__credit_type_id=REFUND, then=Subquery(refunded)), default=None),
    ).annotate(total=Sum("amount"))


class _Fold:
    """Adds the grouped rows of the three queries into facts."""

    def __init__(self, days: list[date], found: dict, per_line: bool):
        self.days, self.found, self.per_line = days, found, per_line

    def add(self, row: dict, flow: str, kind: str, code: str | None, amount: Decimal) -> None:
        key = Key(self.days[row["f_day"]], row["f_library"] or "", row["f_payment_type"] or "",
                  flow, kind, code or "")
        if self.per_line:
            key = LineKey(row["f_line"], row["f_register"], key)
        self.found[key] += amount

    def line(self, row: dict) -> None:
        money = -(row["total"] or ZERO)  # Koha: credits negative, debits positive
        flow = IN if row["f_credit_type"] is not None else OUT
        self.add(row, flow, PAYMENT_TYPE, row["f_payment_type"], money)
        if flow == IN:
            self.add(row, IN, CREDIT_TYPE, row["f_credit_type"], money)
        else:
            self.add(row, OUT, DEBIT_TYPE, row["f_debit_type"], money)

    def paid(self, row: dict) -> None:
        applied = -(row["total"] or ZERO)
        self.add(row, IN, DEBIT_TYPE, row["f_debit_type"], applied)
        self.add(row, IN, CREDIT_TYPE, row["f_credit_type"], -applied)

    def consumed(self, row: dict) -> None:
        used = -(row["total"] or ZERO)
        if row["f_refunded"] is not None:
            self.add(row, OUT, DEBIT_TYPE, row["f_refunded"], -used)
        else:
            self.add(row, OUT, CREDIT_TYPE, row["f_credit_type"], -used)
        self.add(row, OUT, DEBIT_TYPE, row["f_debit_type"], used)


def unkeyed(per_line: dict) -> dict:
    """Per-line facts summed to plain keys."""
    found: dict = defaultdict(Decimal)
    for line_key, amount in per_line.items():
        found[line_key.key] += amount
    return {key: amount for key, amount in found.items() if amount}


def subtract(current: dict, posted: dict) -> dict:
    """What changed since posting: current − posted, for every key of either."""
    keys = set(current) | set(posted)
    changed = {key: current.get(key, ZERO) - posted.get(key, ZERO) for key in keys}
    return {key: amount for key, amount in changed.items() if amount}


