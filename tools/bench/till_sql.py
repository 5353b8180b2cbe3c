"""The framework floors of a sale of three items and of a payment of one existing debit (issue 18):
the rows kohapay's sale and pay write, in plain SQL, by a writer that trusts its input.

A sale (``Koha::Charges::Sales::purchase``, ``koha.recipes.sale``): a debit per item and the
PURCHASE credit, born outstanding, in one INSERT; each debit's CREATE (+amount), the credit's
CREATE (−total), an APPLY per item (−amount) in another; every line to 0; the intake record of
kind ``sale``. A payment of one existing debit (``Koha::Account->pay``, ``koha.recipes.pay``):
the debit read and locked, the PAYMENT credit, its CREATE (+A) and the APPLY (−A), the
``statistics`` row, the FINES log, both lines to 0, the intake record of kind ``pay``.

Both drivers (mysqlclient, Django's raw cursor) take the ``%s`` paramstyle; the caller owns the
transaction. ``tests/tools/test_till_sql.py`` checks the rows per table against kohapay's.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from tools.bench.ledger_sql import (
    LINE_COLUMNS,
    LOG_INSERT,
    LOG_ROW,
    STATISTICS_INSERT,
    Payment,
    credit_log,
    request_hash,
)

SALE_LINE_ROW = "(NULL, NOW(), %s, NULL, %s, %s, %s, %s, %s, %s, %s, 'api', %s)"
INTAKE_INSERT = (
    "INSERT INTO kohapay_intake (client_id, kind, idempotency_key, external_id, request_hash,"
    " patron_id, payment_id, debit_id, response_status, response_body, created_at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, NULL, 201, %s, UTC_TIMESTAMP(6))"
)


@dataclass(frozen=True)
class Sale:
    staff: int
    library: str
    register: int
    items: tuple[tuple[str, Decimal], ...]  # (debit type, price), quantity 1 each
    payment_type: str = "CASH"
    idempotency_key: str | None = None
    client_id: int | None = None

    @property
    def total(self) -> Decimal:
        return sum((price for _, price in self.items), Decimal(0))


def write_sale(cur, s: Sale) -> int:
    """One sale: 4 statements (lines, offsets, settle, intake record). Returns the credit's id."""
    rows, params = [], []
    for debit_type, price in s.items:
        rows.append(SALE_LINE_ROW)
        params += [price, None, debit_type, None, price, "1", s.staff, None, s.library]
    rows.append(SALE_LINE_ROW)
    params += [-s.total, "PURCHASE", None, s.payment_type, -s.total, "POS SALE", s.staff,
               s.register, s.library]
    cur.execute(LINE_COLUMNS + ", ".join(rows) + " RETURNING accountlines_id", params)
    ids = [row[0] for row in cur.fetchall()]
    debit_ids, credit_id = ids[:-1], ids[-1]
    offsets, params = [], []
    for debit_id, (_, price) in zip(debit_ids, s.items):
        offsets.append("(NULL, %s, 'CREATE', %s)")
        params += [debit_id, price]
    offsets.append("(%s, NULL, 'CREATE', %s)")
    params += [credit_id, -s.total]
    for debit_id, (_, price) in zip(debit_ids, s.items):
        offsets.append("(%s, %s, 'APPLY', %s)")
        params += [credit_id, debit_id, -price]
    cur.execute("INSERT INTO account_offsets (credit_id, debit_id, type, amount) VALUES "
                + ", ".join(offsets), params)
    cur.execute("UPDATE accountlines SET amountoutstanding = 0 WHERE accountlines_id IN ("
                + ", ".join(["%s"] * len(ids)) + ")", ids)
    body = {"sale_id": credit_id, "register_id": s.register, "external_id": s.idempotency_key,
            "credit": _line(credit_id, -s.total, "PURCHASE", s.library, s.staff),
            "debits": [_line(i, price, t, s.library, s.staff)
                       for i, (t, price) in zip(debit_ids, s.items)],
            "offsets": [{"offset_id": 0, "type": "APPLY", "credit_id": credit_id,
                         "debit_id": i, "amount": str(-price)}
                        for i, (_, price) in zip(debit_ids, s.items)]}
    cur.execute(INTAKE_INSERT, [s.client_id, "sale", s.idempotency_key, s.idempotency_key,
                                _hash(s), None, credit_id, json.dumps(body)])
    return credit_id


def write_pay_of(cur, p: Payment, debit_id: int) -> int | None:
    """Koha's ``pay`` of one existing debit of ``p.amount``: 7 statements (the debit locked and
    read, credit, offsets, statistics, log, settle, intake record). None if the debit is not
    the patron's or not outstanding by exactly that amount."""
    cur.execute("SELECT amountoutstanding FROM accountlines WHERE accountlines_id = %s"
                " AND borrowernumber = %s FOR UPDATE", [debit_id, p.patron])
    row = cur.fetchone()
    if row is None or Decimal(row[0]) != p.amount:
        return None
    cur.execute(LINE_COLUMNS + "(%s, NOW(), %s, %s, 'PAYMENT', NULL, %s, %s, '', %s, %s, 'api',"
                " %s) RETURNING accountlines_id",
                [p.patron, -p.amount, "", p.payment_type, -p.amount, p.staff, p.register,
                 p.library])
    credit_id = cur.fetchone()[0]
    cur.execute("INSERT INTO account_offsets (credit_id, debit_id, type, amount) VALUES"
                " (%s, NULL, 'CREATE', %s), (%s, %s, 'APPLY', %s)",
                [credit_id, p.amount, credit_id, debit_id, -p.amount])
    cur.execute(STATISTICS_INSERT, [p.library, -p.amount, p.patron])
    cur.execute(LOG_INSERT + LOG_ROW, [p.staff, p.patron, credit_log(p)])
    cur.execute("UPDATE accountlines SET amountoutstanding = 0 WHERE accountlines_id IN (%s, %s)",
                [debit_id, credit_id])
    body = {"payment_id": credit_id, "patron_id": p.patron, "external_id": p.external_id,
            "balance": "0", "credit": _line(credit_id, -p.amount, "PAYMENT", p.library, p.staff),
            "debits": [_line(debit_id, p.amount, p.debit_type, p.library, p.staff)],
            "offsets": [{"offset_id": 0, "type": "APPLY", "credit_id": credit_id,
                         "debit_id": debit_id, "amount": str(-p.amount)}]}
    cur.execute(INTAKE_INSERT, [p.client_id, "pay", p.idempotency_key, p.external_id,
                                request_hash(p), p.patron, credit_id, json.dumps(body)])
    return credit_id


def _line(line_id: int, amount: Decimal, kind: str, library: str, staff: int) -> dict:
    """A line of the stored body, of the size and shape kohapay stores for replays."""
    return {"account_line_id": line_id, "amount": str(amount), "amount_outstanding": 0,
            "date": "2026-01-01T12:00:00Z", "timestamp": "2026-01-01T12:00:00Z",
            "interface": "api", "library_id": library, "user_id": staff, "type": kind,
            "description": None, "internal_note": None, "item_id": None, "status": None}


def _hash(s: Sale) -> str:
    text = json.dumps([s.register, s.payment_type, [(t, str(p)) for t, p in s.items]])
    return hashlib.sha256(text.encode()).hexdigest()
