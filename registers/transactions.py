"""Every line of one register on one local day, with what it paid and who recorded it.

Patrons' names and card numbers are read only for users who may see them (``day_lines(...,
patrons=False)``: not even selected; each such line's patron is ``HIDDEN``).

Three queries whatever the number of lines: the lines (with patron, staff and types joined), the
offsets linking them to the lines they paid or consumed, and kohapay's intake records of them
(the one that wrote a credit, or the refund behind a payout) — four on a day with refunds: what
each refund credit paid out through a payout had refunded (the debits ``reduce`` linked it to).

A **sale** (Koha's PURCHASE credit) lists the items it sold; a **refund** (a PAYOUT of REFUND
credits: money given back) lists what it refunded; ``DayLine.kind`` says which, for the page and
the CSV.
Each reads only the columns the page and its CSV show, as plain rows (``values``): a busy day
has hundreds of lines, and building a model instance per line, patron, type and offset cost more
than the queries themselves. (Written as SQL they were 13–15 % faster on the page in issue 13's
measurement, under the 20 % that would justify SQL: docs/performance.md.)
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Case, F, Q, When

from koha.models import AccountOffset
from koha.models.patrons import display_name
from payments.models import Intake
from registers.recency import Recency
from registers.selectors import (
    ZERO,
    DayRange,
    Totals,
    fold_rows,
    lines_by_type,
    local_time,
    register_lines,
)


@dataclass(frozen=True)
class Person:
    """A patron, or the staff member who recorded a line (Koha ``borrowers``)."""

    borrowernumber: int | None
    cardnumber: str | None
    firstname: str | None
    surname: str | None
    hidden: bool = False  # a patron the user may not see: who it is was not even read

    @property
    def name(self) -> str:
        return display_name(self.firstname, self.surname)


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
    patron: Person | None
    manager: Person | None
    linked: tuple[LinkedLine, ...]
    client_name: str | None  # the kohapay API client that recorded it, if any
    external_id: str | None
    intake_id: int | None
    refunded: tuple[LinkedLine, ...] = ()  # a refund's payout: the debits given money back for

    @property
    def kind(self) -> str:
        """``sale`` (a PURCHASE credit: a sale without a patron), ``refund`` (a payout of REFUND
        credits), else ``credit`` or ``debit``."""
        if self.is_credit:
            return SALE if self.type_code == "PURCHASE" else "credit"
        return REFUND if self.refunded else "debit"


LINE_FIELDS = (
    "accountlines_id", "date", "amount", "description", "note", "payment_type", "credit_type_id",
    "credit_type__description", "debit_type_id", "debit_type__description", "patron_id",
    "manager_id", "manager__cardnumber", "manager__firstname", "manager__surname",
)
PATRON_FIELDS = ("patron__cardnumber", "patron__firstname", "patron__surname")
HIDDEN = Person(None, None, None, None, hidden=True)
WROTE_THE_CREDIT = (Intake.Kind.CHARGE, Intake.Kind.PAY, Intake.Kind.SALE)
SALE, REFUND = "sale", "refund"


def day_lines(register_id: int, day: date, payment_type: str | None = None,
              *, recency: Recency | None = None, patrons: bool = True) -> list[DayLine]:
    recency = recency or Recency.current()
    fields = LINE_FIELDS + PATRON_FIELDS if patrons else LINE_FIELDS
    lines = list(
        register_lines([register_id], payment_type).filter(DayRange.single(day).lines(recency))
        .order_by("date", "accountlines_id").values(*fields)
    )
    if not lines:
        return []
    linked = _linked_lines(lines)
    refunded = _refunded(linked, lines)
    intakes = _intakes(lines)
    return [
        _day_line(line, linked[line["accountlines_id"]], intakes.get(line["accountlines_id"]),
                  refunded.get(line["accountlines_id"], ()))
        for line in lines
    ]


def _intakes(lines: list[dict]) -> dict[int, tuple]:
    """line id → (intake id, external id, client name) of the kohapay intake behind it: the one
    that wrote a credit (a charge's, a payment's, a sale's — a refund's intake names the credit
    it refunded, not one it wrote), or the refund whose payout the line is."""
    ids = [ln["accountlines_id"] for ln in lines]
    wrote = Q(payment_id__in=ids, kind__in=WROTE_THE_CREDIT)
    paid_out = Q(kind=Intake.Kind.REFUND, lines__payout_id__in=ids)
    rows = (Intake.objects.filter(wrote | paid_out)
            .annotate(line_id=Case(When(kind=Intake.Kind.REFUND, then=F("lines__payout_id")),
                                   default=F("payment_id")))
            .values_list("line_id", "pk", "external_id", "client__name"))
    return {row[0]: row[1:] for row in rows}


def _refunded(linked: dict[int, list[LinkedLine]], lines: list[dict]
              ) -> dict[int, tuple[LinkedLine, ...]]:
    """payout id → what the REFUND credits it paid out had refunded: the debits each credit is
    linked to by ``reduce``'s APPLY (0 when the debit was paid), each with the money the payout
    gave back for it. No query on a day without refunds."""
    payouts = {ln["accountlines_id"] for ln in lines if not ln["credit_type_id"]}
    paid_out = {link.line_id: (payout, link.amount) for payout in payouts
                for link in linked.get(payout, ()) if link.type_code == "REFUND"}
    if not paid_out:
        return {}
    offsets = (AccountOffset.objects.filter(credit_id__in=paid_out, type="APPLY",
                                            debit__isnull=False)
               .exclude(debit__debit_type_id="PAYOUT").order_by("id").values(*OFFSET_FIELDS))
    found: dict[int, list[LinkedLine]] = defaultdict(list)
    for offset in offsets:
        payout, amount = paid_out[offset["credit_id"]]
        link = _linked(offset, "debit", "debit_type")
        found[payout].append(LinkedLine(link.line_id, link.type_code, link.type_description,
                                        link.description, amount))
    return {payout: tuple(links) for payout, links in found.items()}


def day_totals(lines: list[DayLine]) -> Totals:
    """The figures of a day's lines, by the selectors' one definition (``fold_rows``): the same
    Totals as ``daily_totals`` over that day, without reading the lines a second time."""
    return fold_rows(_as_rows(lines))


def day_by_type(lines: list[DayLine]) -> tuple[tuple[str | None, Decimal, int], ...]:
    """(payment type, money in, lines) of a day's lines (``selectors.lines_by_type``)."""
    return lines_by_type(_as_rows(lines))


def _as_rows(lines: list[DayLine]):
    return ({"is_credit": line.is_credit, "payment_type": line.payment_type,
             "total": -line.amount, "n": 1}  # back to Koha's sign: SUM(amount)
            for line in lines)


OFFSET_FIELDS = (
    "credit_id", "debit_id", "amount",
    "debit__debit_type_id", "debit__debit_type__description", "debit__description",
    "credit__credit_type_id", "credit__credit_type__description", "credit__description",
)


def _linked_lines(lines: list[dict]) -> dict[int, list[LinkedLine]]:
    """line id → the lines its offsets link it to (credits: the debits they paid; debits: the
    credits paid out through them)."""
    credit_ids = {ln["accountlines_id"] for ln in lines if ln["credit_type_id"]}
    debit_ids = {ln["accountlines_id"] for ln in lines if not ln["credit_type_id"]}
    offsets = AccountOffset.objects.filter(
        Q(credit_id__in=credit_ids, debit__isnull=False)
        | Q(debit_id__in=debit_ids, credit__isnull=False)
    ).order_by("id").values(*OFFSET_FIELDS)
    found: dict[int, list[LinkedLine]] = defaultdict(list)
    for offset in offsets:
        if offset["credit_id"] in credit_ids:
            found[offset["credit_id"]].append(_linked(offset, "debit", "debit_type"))
        if offset["debit_id"] in debit_ids:
            found[offset["debit_id"]].append(_linked(offset, "credit", "credit_type"))
    return found


def _linked(offset: dict, side: str, type_field: str) -> LinkedLine:
    return LinkedLine(
        line_id=offset[f"{side}_id"],
        type_code=offset[f"{side}__{type_field}_id"],
        type_description=offset[f"{side}__{type_field}__description"] or "",
        description=offset[f"{side}__description"] or "",
        amount=-offset["amount"],
    )


def _person(line: dict, field: str) -> Person | None:
    """The patron (or manager) of a line; Koha's foreign keys keep its id pointing at a row."""
    if line[f"{field}_id"] is None:
        return None
    if f"{field}__cardnumber" not in line:
        return HIDDEN
    return Person(line[f"{field}_id"], line[f"{field}__cardnumber"],
                  line[f"{field}__firstname"], line[f"{field}__surname"])


def _day_line(line: dict, linked: list[LinkedLine], intake: tuple | None,
              refunded: tuple[LinkedLine, ...]) -> DayLine:
    is_credit = line["credit_type_id"] is not None
    type_field = "credit_type" if is_credit else "debit_type"
    intake_id, external_id, client_name = intake or (None, None, None)
    return DayLine(
        line_id=line["accountlines_id"],
        time=local_time(line["date"]),
        is_credit=is_credit,
        type_code=line[f"{type_field}_id"],
        type_description=line[f"{type_field}__description"] or "",
        description=line["description"] or "",
        note=line["note"] or "",
        amount=-(line["amount"] or ZERO),
        payment_type=line["payment_type"],
        patron=_person(line, "patron"),
        manager=_person(line, "manager"),
        linked=tuple(linked),
        client_name=client_name,
        external_id=external_id,
        intake_id=intake_id,
        refunded=refunded,
    )
