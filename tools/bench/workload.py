"""What each simulated kiosk sends: unique payments spread over many patrons.

Worker i of C only uses patrons i, i+C, i+2C… of the fixture, so no two workers ever pay for the
same patron at the same time (kohapay serialises intakes per patron; hammering one patron would
measure that lock, not the system). Amounts, registers and keys vary per payment.
"""
from __future__ import annotations

from decimal import Decimal

from tools.bench.ledger_sql import Payment
from tools.bench.till_sql import Sale

PAYMENTS_PATH = "/api/v1/patrons/{patron}/account/payments"  # kohapay's intake route
AMOUNTS = [Decimal(a) for a in ("0.10", "0.20", "1.50", "2.50", "5.00", "12.75", "1234.567891")]


class Workload:
    def __init__(self, fixture: dict, run_id: str):
        self.fixture = fixture
        self.run_id = run_id
        self.patrons = list(range(fixture["patrons"][0], fixture["patrons"][1] + 1))
        self.registers = fixture["registers"]

    def payment(self, tag: str, clients: int, worker: int, seq: int) -> Payment:
        """Payment ``seq`` of ``worker`` in the run ``tag`` (tags keep idempotency keys unique)."""
        mine = self.patrons[worker::clients] or self.patrons
        register = self.registers[(worker + seq) % len(self.registers)]
        key = f"{self.run_id}-{tag}-w{worker}-{seq}"
        return Payment(
            patron=mine[seq % len(mine)], staff=self.fixture["staff"],
            library=register["library"], register=register["id"],
            amount=AMOUNTS[seq % len(AMOUNTS)], debit_type=self.fixture["debit_type"],
            idempotency_key=key, external_id=key[-100:], client_id=self.fixture["client_pk"],
        )

    @staticmethod
    def intake_body(p: Payment) -> dict:
        """kohapay's request body (issue 3), amounts as decimal strings (parsed exactly)."""
        return {
            "debit_type": p.debit_type, "amount": str(p.amount), "payment_type": p.payment_type,
            "register_id": p.register, "description": p.description, "external_id": p.external_id,
        }

    @staticmethod
    def floor_body(p: Payment) -> dict:
        """The floors' body: everything pre-resolved, nothing to validate."""
        return {
            "patron": p.patron, "staff": p.staff, "library": p.library, "register": p.register,
            "amount": str(p.amount), "debit_type": p.debit_type, "payment_type": p.payment_type,
            "description": p.description, "key": p.idempotency_key, "client": p.client_id,
        }


def payment_from_body(body: dict) -> Payment:
    return Payment(
        patron=int(body["patron"]), staff=int(body["staff"]), library=body["library"],
        register=int(body["register"]), amount=Decimal(body["amount"]),
        debit_type=body["debit_type"], payment_type=body["payment_type"],
        description=body["description"], idempotency_key=body.get("key"),
        external_id=body.get("key"), client_id=body.get("client"),
    )


def sale_from_body(body: dict) -> Sale:
    """The framework floor's sale: kohapay's request plus what kohapay resolves (staff, library)."""
    return Sale(
        staff=int(body["staff"]), library=body["library"], register=int(body["register"]),
        items=tuple((item["debit_type"], Decimal(item["price"])) for item in body["items"]),
        payment_type=body["payment_type"], idempotency_key=body.get("key"),
        client_id=body.get("client"),
    )
