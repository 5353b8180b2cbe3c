"""Every line of one register on one local day, with what it paid and who recorded it.

Three queries whatever the number of lines: the lines (with patron, staff and types joined), the
offsets linking them to the lines they paid or consumed, and kohapay's intake records of them.
Each reads only the columns the page and its CSV show, as plain rows: a busy day has hundreds of
lines, and building a model instance per line, patron, type and offset cost more than the
queries themselves. They are written as SQL (values read through the fields' own converters,
``registers.sql``): for ~300 lines the ORM spent ~10 ms building them, preparing some 600 ids
one by one and turning rows into dicts — as long as MariaDB took to run them.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import connection

from koha.models import AccountLine, AccountOffset
from koha.models.patrons import display_name
from registers.recency import Recency
from registers.selectors import ZERO, DayRange, Totals, fold_rows, local_time
from registers.sql import column_reader, id_list, instant


@dataclass(frozen=True)
class Person:
    """A patron, or the staff member who recorded a line (Koha ``borrowers``)."""

    borrowernumber: int
    cardnumber: str | None
    firstname: str | None
    surname: str | None

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


LINE_FIELDS = (
    "accountlines_id", "date", "amount", "description", "note", "payment_type", "credit_type_id",
    "credit_type__description", "debit_type_id", "debit_type__description",
    "patron_id", "patron__cardnumber", "patron__firstname", "patron__surname",
    "manager_id", "manager__cardnumber", "manager__firstname", "manager__surname",
)
LINES_SQL = (
    "SELECT a.accountlines_id, a.date, a.amount, a.description, a.note, a.payment_type,"
    " a.credit_type_code, ct.description, a.debit_type_code, dt.description,"
    " a.borrowernumber, p.cardnumber, p.firstname, p.surname,"
    " a.manager_id, m.cardnumber, m.firstname, m.surname"
    " FROM accountlines a"
    " LEFT JOIN account_credit_types ct ON ct.code = a.credit_type_code"
    " LEFT JOIN account_debit_types dt ON dt.code = a.debit_type_code"
    " LEFT JOIN borrowers p ON p.borrowernumber = a.borrowernumber"
    " LEFT JOIN borrowers m ON m.borrowernumber = a.manager_id"
    " WHERE a.register_id = %s{payment_type} AND a.date >= %s AND a.date < %s AND {recent}"
    " ORDER BY a.date, a.accountlines_id"
)
INTAKES_SQL = (
    "SELECT i.payment_id, i.id, i.external_id, c.name FROM kohapay_intake i"
    " JOIN kohapay_api_client c ON c.id = i.client_id WHERE i.payment_id IN ({ids})"
)


def day_lines(register_id: int, day: date, payment_type: str | None = None,
              *, recency: Recency | None = None) -> list[DayLine]:
    recency = recency or Recency.current()
    days = DayRange.single(day)
    recent, recent_params = recency.since_sql(days.start, alias="a")
    sql = LINES_SQL.format(payment_type=" AND a.payment_type = %s" if payment_type else "",
                           recent=recent)
    params = [register_id, *([payment_type] if payment_type else []), instant(days.start),
              instant(days.end), *recent_params]
    date, amount = column_reader(AccountLine, "date"), column_reader(AccountLine, "amount")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        lines = [dict(zip(LINE_FIELDS, row)) for row in cursor.fetchall()]
        if not lines:
            return []
        for line in lines:
            line["date"], line["amount"] = date(line["date"]), amount(line["amount"])
        linked = _linked_lines(cursor, lines)
        cursor.execute(INTAKES_SQL.format(ids=id_list(ln["accountlines_id"] for ln in lines)))
        intakes = {row[0]: row[1:] for row in cursor.fetchall()}
    return [
        _day_line(line, linked[line["accountlines_id"]], intakes.get(line["accountlines_id"]))
        for line in lines
    ]


def day_totals(lines: list[DayLine]) -> Totals:
    """The figures of a day's lines, by the selectors' one definition (``fold_rows``): the same
    Totals as ``daily_totals`` over that day, without reading the lines a second time."""
    return fold_rows(
        {"is_credit": line.is_credit, "payment_type": line.payment_type,
         "total": -line.amount, "n": 1}  # back to Koha's sign: SUM(amount)
        for line in lines
    )


OFFSET_FIELDS = (
    "credit_id", "debit_id", "amount",
    "debit__debit_type_id", "debit__debit_type__description", "debit__description",
    "credit__credit_type_id", "credit__credit_type__description", "credit__description",
)
OFFSETS_SQL = (
    "SELECT o.credit_id, o.debit_id, o.amount, d.debit_type_code, dt.description, d.description,"
    " c.credit_type_code, ct.description, c.description"
    " FROM account_offsets o"
    " JOIN accountlines c ON c.accountlines_id = o.credit_id"
    " JOIN accountlines d ON d.accountlines_id = o.debit_id"
    " LEFT JOIN account_debit_types dt ON dt.code = d.debit_type_code"
    " LEFT JOIN account_credit_types ct ON ct.code = c.credit_type_code"
    " WHERE {sides} ORDER BY o.id"
)


def _linked_lines(cursor, lines: list[dict]) -> dict[int, list[LinkedLine]]:
    """line id → the lines its offsets link it to (credits: the debits they paid; debits: the
    credits paid out through them)."""
    credit_ids = {ln["accountlines_id"] for ln in lines if ln["credit_type_id"]}
    debit_ids = {ln["accountlines_id"] for ln in lines if not ln["credit_type_id"]}
    sides = [f"o.{side}_id IN ({id_list(ids)})"  # the joins require both lines (isnull=False)
             for side, ids in (("credit", credit_ids), ("debit", debit_ids)) if ids]
    cursor.execute(OFFSETS_SQL.format(sides=" OR ".join(sides)))
    amount = column_reader(AccountOffset, "amount")
    found: dict[int, list[LinkedLine]] = defaultdict(list)
    for row in cursor.fetchall():
        offset = dict(zip(OFFSET_FIELDS, row))
        offset["amount"] = amount(offset["amount"])
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
    return Person(line[f"{field}_id"], line[f"{field}__cardnumber"],
                  line[f"{field}__firstname"], line[f"{field}__surname"])


def _day_line(line: dict, linked: list[LinkedLine], intake: tuple | None) -> DayLine:
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
    )
