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
import threading

from tools.bench import loadgen
from tools.bench.workload import Workload

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
