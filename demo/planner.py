"""What happens at the demo libraries on one local day: who pays what, where, how and when.

Pure: draws from a seeded ``random.Random`` and writes nothing, so the same seed plans the same
history. Spread: libraries by size, registers by how busy they are, desks take cash and cards from
staff (``intranet``), kiosks take SIP2 (``sip``) or kohapay (``api``) payments; debit types by
where they are sold (kiosks sell only self-service items; library limits are honoured); hours by a
typical opening-day curve. Retired registers and debit types appear only in the older half of the
seeded days.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from demo import catalogue
from demo.ledger import Moment, Payout, Sale
from demo.library import Till, World

PAYOUT_SHARE = 0.01  # payouts per payment
OPENING = 9 * 3600
MANUAL_REASONS = ["Damaged item", "Replacement barcode label", "Interlibrary loan fee",
                  "Lost book bag", "Overdue fine (paper record)"]
PAYOUT_REASONS = ["Overpayment at the desk", "Lost item fee refunded (item found)",
                  "Goodwill refund", "Cancelled room booking"]
HOUR_VALUES = [hour for hour, _ in catalogue.HOURS]
HOUR_WEIGHTS = [weight for _, weight in catalogue.HOURS]


class DayPlanner:
    """Plans one day's events as (seconds after local midnight, kind, event), in time order;
    kinds are ``sale``, ``credit`` (a manual credit to be paid out) and ``payout``."""

    def __init__(self, world: World, zone: ZoneInfo, rng: random.Random):
        self.world, self.zone, self.rng = world, zone, rng
        self.all_patrons = [n for numbers in world.patrons.values() for n in numbers]
        self._tills = {old: self._till_weights(old) for old in (False, True)}
        self._products = {
            (till.id, old): self._product_weights(till, old)
            for till in world.tills
            for old in (False, True)
        }

    def plan(self, day: date, per_day: int, old: bool) -> list[tuple[int, str, object]]:
        tills, weights = self._tills[old]
        midnight = datetime.combine(day, time())
        events = []
        for till in self.rng.choices(tills, weights=weights, k=per_day):
            second = self._second()
            events.append((second, "sale", self._sale(midnight, second, till, old)))
        for _ in range(self._payout_count(per_day)):
            events.extend(self._payout(midnight, old))
        events.sort(key=lambda event: event[0])
        return events

    def moment(self, midnight: datetime, second: int) -> Moment:
        local = midnight + timedelta(seconds=second)
        utc = local.replace(tzinfo=self.zone).astimezone(timezone.utc)
        return Moment(f"{utc:%Y-%m-%d %H:%M:%S}", f"{local:%Y-%m-%d %H:%M:%S}")

    def cashup_second(self) -> int:
        return 20 * 3600 + self.rng.randrange(5 * 60, 45 * 60)  # after closing at 20:00

    def desk_manager(self, branch: str) -> int:
        return self.rng.choice(self.world.desk_staff[branch])

    def _sale(self, midnight: datetime, second: int, till: Till, old: bool) -> Sale:
        rng = self.rng
        interface = "intranet" if till.kind == "desk" else rng.choice(("sip", "api"))
        products, weights = self._products[(till.id, old)]
        product = rng.choices(products, weights=weights)[0]
        quantity = min(rng.randint(*product.quantities), rng.randint(*product.quantities))
        mix = catalogue.PAYMENT_MIX[interface]
        return Sale(
            at=self.moment(midnight, second),
            patron=self._patron(till.branch),
            manager=self._manager(interface, till.branch),
            branchcode=None if interface == "sip" else till.branch,
            register=till.id,
            debit_type=product.code,
            amount=product.unit * quantity,
            description=self._description(product, quantity),
            payment_type=rng.choices([code for code, _ in mix], weights=[w for _, w in mix])[0],
            interface=interface,
        )

    def _payout(self, midnight: datetime, old: bool) -> list[tuple[int, str, Payout]]:
        rng = self.rng
        desks = [t for t in self._tills[old][0] if t.kind == "desk"]
        till = rng.choice(desks)
        second = self._second()
        credited = max(OPENING, second - rng.randint(10 * 60, 3 * 3600))
        payout = Payout(
            credited=self.moment(midnight, credited), at=self.moment(midnight, second),
            patron=self._patron(till.branch), manager=self.desk_manager(till.branch),
            branchcode=till.branch, register=till.id, amount=Decimal("0.50") * rng.randint(2, 40),
            description=rng.choice(PAYOUT_REASONS),
        )
        return [(credited, "credit", payout), (second, "payout", payout)]

    def _payout_count(self, per_day: int) -> int:
        expected = per_day * PAYOUT_SHARE
        return int(expected) + (self.rng.random() < expected - int(expected))

    def _second(self) -> int:
        hour = self.rng.choices(HOUR_VALUES, weights=HOUR_WEIGHTS)[0]
        return hour * 3600 + self.rng.randrange(3600)

    def _patron(self, branch: str) -> int:
        # Most people pay at their own library; some at another one.
        home = self.world.patrons.get(branch)
        if home and self.rng.random() < 0.8:
            return self.rng.choice(home)
        return self.rng.choice(self.all_patrons)

    def _manager(self, interface: str, branch: str) -> int:
        if interface == "sip":
            return self.world.sip_staff
        if interface == "api":
            return self.world.kiosk_staff
        return self.desk_manager(branch)

    def _description(self, product: catalogue.Product, quantity: int) -> str:
        if product.code == "MANUAL":
            return self.rng.choice(MANUAL_REASONS)
        if product.label and quantity > 1:
            return f"{product.description}, {quantity} {product.label}"
        return product.description

    def _till_weights(self, old: bool) -> tuple[list[Till], list[float]]:
        tills = [t for t in self.world.tills if old or not t.archived]
        busy = {b: sum(t.weight for t in tills if t.branch == b) for b in self.world.libraries}
        weights = [self.world.libraries[t.branch].weight * t.weight / busy[t.branch] for t in tills]
        return tills, weights

    def _product_weights(self, till: Till, old: bool) -> tuple[list, list[int]]:
        pairs = [
            (p, p.desk_weight if till.kind == "desk" else p.kiosk_weight)
            for p in self.world.products
            if p.allowed_at(till.branch) and (old or not p.archived)
        ]
        pairs = [(p, w) for p, w in pairs if w > 0]
        return [p for p, _ in pairs], [w for _, w in pairs]
