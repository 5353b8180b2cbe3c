"""The rows of one charge-and-pay (spec §3.6) plus kohapay's intake record, in plain SQL.

Shared by both floors (``physical_floor`` over MySQLdb, ``floor_app`` over Django's raw cursor)
and the two-call baseline, so every contender writes the same rows. Statements are batched as far
as plain SQL allows without tricks: the floor is the best an honest implementation can do.
Both drivers use the ``%s`` paramstyle and expose ``cursor.lastrowid``.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

LINE_COLUMNS = (
    "INSERT INTO accountlines (borrowernumber, date, amount, description, credit_type_code,"
    " debit_type_code, payment_type, amountoutstanding, note, manager_id, register_id,"
    " interface, branchcode) VALUES "
)
LINE_ROW = "(%s, NOW(), %s, %s, %s, %s, %s, %s, '', %s, %s, 'api', %s)"
LINE_INSERT = LINE_COLUMNS + LINE_ROW
STATISTICS_INSERT = (
    "INSERT INTO statistics (datetime, branch, value, type, other, itemtype, ccode,"
    " borrowernumber) VALUES (NOW(), %s, %s, 'payment', '', '', '', %s)"
)
LOG_ROW = "(%s, 'FINES', 'CREATE', %s, %s, 'api')"
LOG_INSERT = "INSERT INTO action_logs (user, module, action, object, info, interface) VALUES "
INTAKE_INSERT = (
    "INSERT INTO kohapay_intake (client_id, idempotency_key, external_id, request_hash,"
    " patron_id, payment_id, debit_id, response_status, response_body, created_at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, 201, %s, UTC_TIMESTAMP(6))"
)


@dataclass(frozen=True)
class Payment:
    patron: int
    staff: int
    library: str
    register: int
    amount: Decimal
    debit_type: str = "PRINT"
    payment_type: str = "CASH"
    description: str = "Printing"
    idempotency_key: str | None = None
    external_id: str | None = None
    client_id: int | None = None


def perl_dumper(values: dict) -> str:
    """Koha's ``action_logs.info`` is a Data::Dumper string; this gives the same shape and size."""
    def render(value):
        if value is None:
            return "undef"
        if isinstance(value, (int, Decimal)):
            return str(value)
        return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"
    body = ",\n".join(f"          '{k}' => {render(v)}" for k, v in values.items())
    return "$VAR1 = {\n" + body + "\n        };\n"


def debit_log(p: Payment) -> str:
    return perl_dumper({
        "action": f"create_{p.debit_type}", "borrowernumber": p.patron, "amount": p.amount,
        "description": p.description, "amountoutstanding": p.amount,
        "debit_type_code": p.debit_type, "note": "", "itemnumber": None, "manager_id": p.staff,
    })


def credit_log(p: Payment) -> str:
    return perl_dumper({
        "action": "create_PAYMENT", "borrowernumber": p.patron, "amount": -p.amount,
        "description": "", "amountoutstanding": -p.amount, "credit_type_code": "PAYMENT",
        "note": "", "itemnumber": None, "manager_id": p.staff, "branchcode": p.library,
    })


def _debit_values(p: Payment) -> list:
    return [p.patron, p.amount, p.description, None, p.debit_type, None, p.amount, p.staff, None,
            p.library]


def _credit_values(p: Payment) -> list:
    return [p.patron, -p.amount, "", "PAYMENT", None, p.payment_type, -p.amount, p.staff,
            p.register, p.library]


def insert_debit(cur, p: Payment) -> int:
    cur.execute(LINE_INSERT, _debit_values(p))
    return cur.lastrowid


def insert_credit(cur, p: Payment) -> int:
    cur.execute(LINE_INSERT, _credit_values(p))
    return cur.lastrowid


def insert_lines(cur, p: Payment) -> tuple[int, int]:
    """Both lines in one statement; MariaDB's RETURNING gives their ids in insertion order."""
    cur.execute(LINE_COLUMNS + LINE_ROW + ", " + LINE_ROW + " RETURNING accountlines_id",
                _debit_values(p) + _credit_values(p))
    (debit_id,), (credit_id,) = cur.fetchall()
    return debit_id, credit_id


def settle(cur, debit_id: int, credit_id: int) -> None:
    cur.execute(
        "UPDATE accountlines SET amountoutstanding = 0 WHERE accountlines_id IN (%s, %s)",
        [debit_id, credit_id],
    )


def write_payment(cur, p: Payment) -> tuple[int, int]:
    """One whole intake: 6 statements (the caller owns the transaction). Returns (debit, credit)."""
    debit_id, credit_id = insert_lines(cur, p)
    cur.execute(
        "INSERT INTO account_offsets (credit_id, debit_id, type, amount) VALUES"
        " (NULL, %s, 'CREATE', %s), (%s, NULL, 'CREATE', %s), (%s, %s, 'APPLY', %s)",
        [debit_id, p.amount, credit_id, p.amount, credit_id, debit_id, -p.amount],
    )
    settle(cur, debit_id, credit_id)
    cur.execute(STATISTICS_INSERT, [p.library, -p.amount, p.patron])
    cur.execute(LOG_INSERT + LOG_ROW + ", " + LOG_ROW, [
        p.staff, p.patron, debit_log(p), p.staff, p.patron, credit_log(p),
    ])
    cur.execute(INTAKE_INSERT, [
        p.client_id, p.idempotency_key, p.external_id, request_hash(p), p.patron, credit_id,
        debit_id, response_body(p, debit_id, credit_id),
    ])
    return debit_id, credit_id


def write_charge(cur, p: Payment) -> int:
    """Koha's first call (``add_debit``): the debit, its CREATE offset, its log row."""
    debit_id = insert_debit(cur, p)
    cur.execute(
        "INSERT INTO account_offsets (credit_id, debit_id, type, amount)"
        " VALUES (NULL, %s, 'CREATE', %s)", [debit_id, p.amount],
    )
    cur.execute(LOG_INSERT + LOG_ROW, [p.staff, p.patron, debit_log(p)])
    return debit_id


def write_pay(cur, p: Payment, debit_id: int) -> int | None:
    """Koha's second call (``pay``): a separate request must re-read and lock the debit it pays;
    then the credit, its CREATE and the APPLY offsets, statistics, the log row and the settle."""
    cur.execute(
        "SELECT amountoutstanding FROM accountlines WHERE accountlines_id = %s FOR UPDATE",
        [debit_id],
    )
    row = cur.fetchone()
    if row is None or Decimal(row[0]) != p.amount:
        return None
    credit_id = insert_credit(cur, p)
    cur.execute(
        "INSERT INTO account_offsets (credit_id, debit_id, type, amount) VALUES"
        " (%s, NULL, 'CREATE', %s), (%s, %s, 'APPLY', %s)",
        [credit_id, p.amount, credit_id, debit_id, -p.amount],
    )
    cur.execute(STATISTICS_INSERT, [p.library, -p.amount, p.patron])
    cur.execute(LOG_INSERT + LOG_ROW, [p.staff, p.patron, credit_log(p)])
    settle(cur, debit_id, credit_id)
    return credit_id


def request_hash(p: Payment) -> str:
    canonical = json.dumps({
        "patron": p.patron, "debit_type": p.debit_type, "amount": str(p.amount),
        "payment_type": p.payment_type, "register_id": p.register, "external_id": p.external_id,
    }, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def response_body(p: Payment, debit_id: int, credit_id: int) -> str:
    """A body of the size and shape kohapay stores for replays (its 201 response)."""
    line = {
        "amount_outstanding": 0, "cash_register_id": None, "checkout_id": None,
        "date": "2026-01-01T12:00:00Z", "interface": "api", "internal_note": "",
        "item_id": None, "library_id": p.library, "patron_id": p.patron, "status": None,
        "timestamp": "2026-01-01T12:00:00Z", "user_id": p.staff,
    }
    debit = {**line, "account_line_id": debit_id, "amount": str(p.amount),
             "description": p.description, "payout_type": None, "type": p.debit_type}
    credit = {**line, "account_line_id": credit_id, "amount": str(-p.amount),
              "cash_register_id": p.register, "credit_number": None, "description": "",
              "payment_type": p.payment_type, "type": "PAYMENT"}
    offsets = [
        {"offset_id": 0, "type": "CREATE", "credit_id": None, "debit_id": debit_id,
         "amount": str(p.amount)},
        {"offset_id": 0, "type": "CREATE", "credit_id": credit_id, "debit_id": None,
         "amount": str(p.amount)},
        {"offset_id": 0, "type": "APPLY", "credit_id": credit_id, "debit_id": debit_id,
         "amount": str(-p.amount)},
    ]
    return json.dumps({
        "payment_id": credit_id, "patron_id": p.patron, "external_id": p.external_id,
        "balance": 0, "debit": debit, "credit": credit, "offsets": offsets,
    })
