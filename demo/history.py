"""The demo's bulk history: each of the last N local days planned, turned into Koha's rows and
written in batches of about ``BATCH_LINES`` account lines (one transaction each).

Today is included up to ``now`` (nothing is dated in the future) and stays open: registers are
cashed up at the end of every earlier day, most of the time — a skipped cashup rolls that day into
the next session, as happens at real desks. A retired register is cashed up on its last day.
``keep_open`` registers are not cashed up yesterday: their sessions are left for the demo's
cashups counted through kohapay (``demo.reconciliation``).
"""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Callable
from zoneinfo import ZoneInfo

from demo import bulk, ledger
from demo.library import World
from demo.planner import DayPlanner

BATCH_LINES = 5000
CASHUP_SHARE = 0.9  # register-days that end with a cashup


@dataclass
class Result:
    lines: int = 0
    sales: int = 0
    payouts: int = 0
    cashups: int = 0


class _History:
    def __init__(self, world: World, planner: DayPlanner, now: datetime, with_cashups: bool,
                 keep_open: frozenset[int] = frozenset()):
        self.world, self.planner, self.with_cashups = world, planner, with_cashups
        self.keep_open = keep_open
        self.now = f"{now.astimezone(timezone.utc):%Y-%m-%d %H:%M:%S}"
        self.ids = bulk.LineIds()
        self.rows = ledger.Rows()
        self.result = Result()
        self.sessions: dict[int, Decimal] = defaultdict(Decimal)  # till → signed sum since cashup
        self.pending_credits: dict[int, int] = {}  # id(payout) → its credit's accountlines_id

    def day(self, day: date, per_day: int, old: bool, last_old: bool, today: date) -> None:
        for _, kind, event in self.planner.plan(day, per_day, old):
            if event.at.utc > self.now:
                continue  # later today: has not happened yet
            getattr(self, f"_{kind}")(event)
            if len(self.rows.lines) >= BATCH_LINES:
                self.flush()
        if self.with_cashups and day < today:
            self._cashups(day, last_old, left_open=self.keep_open if day == today - timedelta(
                days=1) else frozenset())

    def _sale(self, sale: ledger.Sale) -> None:
        debit_id, credit_id = self.ids.take(2)
        ledger.add_sale(self.rows, sale, debit_id, credit_id, self.world.fines_log)
        self.sessions[sale.register] -= sale.amount
        self.result.sales += 1

    def _credit(self, payout: ledger.Payout) -> None:
        (credit_id,) = self.ids.take(1)
        self.pending_credits[id(payout)] = credit_id
        ledger.add_credit(self.rows, payout, credit_id, self.world.fines_log)

    def _payout(self, payout: ledger.Payout) -> None:
        (debit_id,) = self.ids.take(1)
        ledger.add_payout(self.rows, payout, self.pending_credits.pop(id(payout)), debit_id)
        self.sessions[payout.register] += payout.amount
        self.result.payouts += 1

    def _cashups(self, day: date, last_old: bool, left_open: frozenset[int]) -> None:
        midnight = datetime.combine(day, time())
        for till in self.world.tills:
            skip = self.planner.rng.random() >= CASHUP_SHARE and not (till.archived and last_old)
            if till.id not in self.sessions or skip or till.id in left_open:
                continue
            at = self.planner.moment(midnight, self.planner.cashup_second())
            manager = self.planner.desk_manager(till.branch)
            ledger.add_cashup(self.rows, till.id, manager, self.sessions.pop(till.id), at)
            self.result.cashups += 1

    def flush(self) -> None:
        self.result.lines += bulk.write(self.rows)
        self.rows = ledger.Rows()


def write_history(
    world: World, *, days: int, per_day: int, seed: int, now: datetime, zone: ZoneInfo,
    with_cashups: bool = True, progress: Callable[[int], object] | None = None,
    keep_open: int = 0,
) -> Result:
    """Plan and write ``days`` local days (the last one being today) of ``per_day`` payments;
    the first ``keep_open`` active registers keep yesterday's session open."""
    planner = DayPlanner(world, zone, random.Random(f"kohapay-demo-history:{seed}"))
    active = [till.id for till in world.tills if not till.archived]
    history = _History(world, planner, now, with_cashups, frozenset(active[:keep_open]))
    today = now.astimezone(zone).date()
    half = days // 2
    for index in range(days):
        day = today - timedelta(days=days - 1 - index)
        history.day(day, per_day, old=index < half, last_old=index == half - 1, today=today)
        if progress:
            progress(per_day)
    history.flush()
    return history.result
