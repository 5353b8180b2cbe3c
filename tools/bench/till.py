"""The till's two other writes in the intake benchmark (issue 16): a sale of three items at a
register (``POST …/cash_registers/{id}/sales``) and a refund (``POST …/sales/{id}/refunds``), run
by kohapay at each concurrency right after the payment contenders, on the same server, measured
like them and reported against the same floors (which write a payment's rows).

A refund needs something to refund: each worker refunds 0.01 of the sales *it* made in the sale
phase at the same concurrency, in turn — no two workers ever refund the same sale, so the figure
is throughput, not the queue on one sale's lock (two refunds of one sale do queue: that is the
guard against refunding more than was paid, and tests/payments/test_refund_concurrency.py
proves it). A sale of 9.00 can be refunded 900 times over.
"""
from __future__ import annotations

import json
import math
import threading
from collections import deque
from dataclasses import replace
from decimal import Decimal

from tools.bench import loadgen
from tools.bench.workload import PAYMENTS_PATH, Workload

SALES_PATH = "/api/v1/cash_registers/{register}/sales"
REFUNDS_PATH = SALES_PATH + "/{sale}/refunds"
PRICES = ("1.50", "2.50", "5.00")  # three items: 9.00 a sale
REFUND = "0.01"

# What one sale and one refund add (koha-rows.md): a sale's three debits and its PURCHASE credit,
# a CREATE per line and an APPLY per item, its intake record; a refund of one item's share, its
# REFUND credit and PAYOUT debit, reduce's and payout's four offsets, its intake record and line.
ROWS_PER_SALE = {"accountlines": 4, "account_offsets": 7, "statistics": 0, "action_logs": 0,
                 "kohapay_intake": 1, "kohapay_refund_line": 0}
ROWS_PER_REFUND = {"accountlines": 2, "account_offsets": 4, "statistics": 0, "action_logs": 0,
                   "kohapay_intake": 1, "kohapay_refund_line": 1}
# A payment of one existing debit (Koha's pay): its PAYMENT credit, the credit's CREATE and the
# APPLY, statistics, the FINES log, the intake record (the debit is updated, not added).
ROWS_PER_PAY = {"accountlines": 1, "account_offsets": 2, "statistics": 1, "action_logs": 1,
                "kohapay_intake": 1, "kohapay_refund_line": 0}
# Pre-created debits: enough for this many payments a second, per phase, at any C.
PAY_RATE_CEILING = 600


def debts_per_patron(phases: int, duration: float, patrons: int) -> int:
    """Outstanding debits to create per bench patron so that no phase (the warm-up and each C)
    runs out at up to ``PAY_RATE_CEILING`` payments a second (the steps also borrow from the
    worker's other patrons)."""
    return phases * math.ceil(PAY_RATE_CEILING * max(duration, 1.0) / patrons)


class DebtBook:
    """The pre-created outstanding debits of each patron, paid one per request in id order.
    Workers use disjoint patrons at one C (``Workload``), so no two ever take the same debit."""

    def __init__(self, debts: dict[int, list[tuple[int, str]]]):
        self._debts = {patron: deque(lines) for patron, lines in debts.items()}
        self.created = sum(len(lines) for lines in debts.values())

    def take(self, load: Workload, clients: int, worker: int, seq: int
             ) -> tuple[int, int, Decimal] | None:
        """(patron, debit id, amount): the workload's patron for this step, else the next of
        the worker's own patrons that still owes something."""
        mine = load.patrons[worker::clients] or load.patrons
        for k in range(len(mine)):
            patron = mine[(seq + k) % len(mine)]
            owed = self._debts.get(patron)
            if owed:
                line_id, amount = owed.popleft()
                return patron, line_id, Decimal(amount)
        return None

    def left(self) -> int:
        return sum(len(lines) for lines in self._debts.values())

    def owed(self) -> Decimal:
        """What the debits not paid still owe: the ledger's outstanding sum after the run."""
        return sum((Decimal(a) for lines in self._debts.values() for _, a in lines), Decimal(0))


class SaleBook:
    """The sales each worker made (register, sale id), for the refund phase that follows."""

    def __init__(self):
        self._lock = threading.Lock()
        self._made: dict[int, list[tuple[int, int]]] = {}

    def add(self, worker: int, register: int, sale_id: int) -> None:
        with self._lock:
            self._made.setdefault(worker, []).append((register, sale_id))

    def pick(self, worker: int, seq: int) -> tuple[int, int] | None:
        """The worker's own sales in turn; another worker's only if it made none."""
        mine = self._made.get(worker) or next((s for s in self._made.values() if s), None)
        return mine[seq % len(mine)] if mine else None

    def __len__(self) -> int:
        return sum(len(sales) for sales in self._made.values())


def sale_body(p) -> dict:
    """A sale of three items of the fixture's debit type, paid as the payments are."""
    return {"payment_type": p.payment_type, "external_id": p.external_id,
            "items": [{"debit_type": p.debit_type, "price": price, "quantity": 1}
                      for price in PRICES]}


def sale_step(load: Workload, token: str, tag: str, clients: int, book: SaleBook):
    def step(conn, worker, seq):
        p = load.payment(tag, clients, worker, seq)
        status, body = loadgen.post_json(
            conn, SALES_PATH.format(register=p.register), sale_body(p),
            {"Authorization": f"Bearer {token}", "Idempotency-Key": p.idempotency_key})
        if status == 201:
            book.add(worker, p.register, json.loads(body)["sale_id"])
            return ("ok", 1)
        return (str(status), 1, body.decode("utf-8", "replace"))
    return step


def refund_step(load: Workload, token: str, tag: str, book: SaleBook):
    def step(conn, worker, seq):
        picked = book.pick(worker, seq)
        if picked is None:
            return ("no sale to refund", 0, "the sale phase made no sale")
        register, sale = picked
        key = f"{load.run_id}-{tag}-w{worker}-{seq}"
        status, body = loadgen.post_json(
            conn, REFUNDS_PATH.format(register=register, sale=sale),
            {"amount": REFUND, "payout_type": "CASH", "reason": "benchmark"},
            {"Authorization": f"Bearer {token}", "Idempotency-Key": key})
        if status == 201:
            return ("ok", 1)
        return (str(status), 1, body.decode("utf-8", "replace"))
    return step


def _paid(load: Workload, book: DebtBook, tag: str, clients: int, worker: int, seq: int):
    taken = book.take(load, clients, worker, seq)
    if taken is None:
        return None
    patron, debit_id, amount = taken
    return replace(load.payment(tag, clients, worker, seq), patron=patron, amount=amount), debit_id


def pay_step(load: Workload, token: str, tag: str, clients: int, book: DebtBook):
    """kohapay's payment of one existing debit, named in ``account_lines_ids``."""
    def step(conn, worker, seq):
        taken = _paid(load, book, tag, clients, worker, seq)
        if taken is None:
            return ("no debit left", 0, "the pre-created debits ran out")
        p, debit_id = taken
        status, body = loadgen.post_json(
            conn, PAYMENTS_PATH.format(patron=p.patron),
            {"amount": str(p.amount), "payment_type": p.payment_type, "register_id": p.register,
             "account_lines_ids": [debit_id], "external_id": p.external_id},
            {"Authorization": f"Bearer {token}", "Idempotency-Key": p.idempotency_key})
        return _result(status, body)
    return step


def floor_sale_step(load: Workload, tag: str, clients: int):
    """The framework floor's sale: kohapay's body plus what kohapay resolves itself."""
    def step(conn, worker, seq):
        p = load.payment(tag, clients, worker, seq)
        status, body = loadgen.post_json(conn, "/floor/sale", {
            **sale_body(p), "staff": p.staff, "library": p.library, "register": p.register,
            "key": p.idempotency_key, "client": p.client_id})
        return _result(status, body)
    return step


def floor_pay_step(load: Workload, tag: str, clients: int, book: DebtBook):
    """The framework floor's payment of one existing debit."""
    def step(conn, worker, seq):
        taken = _paid(load, book, tag, clients, worker, seq)
        if taken is None:
            return ("no debit left", 0, "the pre-created debits ran out")
        p, debit_id = taken
        status, body = loadgen.post_json(conn, "/floor/pay_debit",
                                         {**Workload.floor_body(p), "debit_id": debit_id})
        return _result(status, body)
    return step


def _result(status: int, body: bytes) -> tuple:
    if status == 201:
        return ("ok", 1)
    return (str(status), 1, body.decode("utf-8", "replace"))
