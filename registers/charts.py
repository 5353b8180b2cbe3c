"""The register page's bar chart of daily net, laid out here and drawn as inline SVG by the
template: no script, no external library, works offline and prints. Amounts stay Decimals; only
pixel positions are floats."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from registers.formatting import display_amount
from registers.selectors import DayTotals

WIDTH, HEIGHT = 960, 260
LEFT, RIGHT, TOP, BOTTOM = 72, 12, 14, 30  # plot margins: room for the axis labels


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    negative: bool
    day: object  # datetime.date
    net: Decimal
    count: int

    @property
    def title(self) -> str:
        return f"{self.day:%a %d %b %Y}: net {display_amount(self.net)} ({self.count} lines)"


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right_edge: int
    zero_y: float
    bars: list[Bar]
    ticks: list[Tick]
    day_labels: list[tuple[float, str]]


def daily_net_chart(days: Sequence[DayTotals]) -> Chart:
    nets = [d.totals.net for d in days]
    top, bottom = _scale(max([Decimal(0), *nets]), min([Decimal(0), *nets]))
    plot_h = HEIGHT - TOP - BOTTOM
    y_of = lambda v: TOP + plot_h * float((top - v) / (top - bottom))  # noqa: E731
    slot = (WIDTH - LEFT - RIGHT) / max(len(days), 1)
    bar_w = max(slot * 0.7, 1.0)
    bars = []
    for i, d in enumerate(days):
        y0, y1 = sorted((y_of(Decimal(0)), y_of(d.totals.net)))
        x = LEFT + i * slot + (slot - bar_w) / 2
        bars.append(Bar(x, y0, bar_w, max(y1 - y0, 0.0), d.totals.net < 0, d.day, d.totals.net,
                        d.totals.count))
    step = (top - bottom) / 4
    ticks = [Tick(y_of(bottom + step * k), display_amount(bottom + step * k)) for k in range(5)]
    every = max(1, math.ceil(len(days) / 12))  # at most ~12 date labels
    labels = [
        (LEFT + i * slot + slot / 2, f"{d.day:%d %b}")
        for i, d in enumerate(days) if i % every == 0
    ]
    return Chart(WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, y_of(Decimal(0)), bars, ticks, labels)


def _scale(high: Decimal, low: Decimal) -> tuple[Decimal, Decimal]:
    """Round the axis out to a "nice" step (1, 2, 2.5 or 5 × 10^k) so that 4 steps cover it."""
    span = high - low
    if span == 0:
        return Decimal(1), Decimal(0)
    raw = span / 4
    power = Decimal(10) ** math.floor(math.log10(raw))
    step = next(power * m for m in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
                if power * m >= raw)
    bottom = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    top = bottom + step * 4
    while top < high:  # a range straddling zero may need a bigger step
        step *= 2
        bottom = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
        top = bottom + step * 4
    return top, bottom


@dataclass(frozen=True)
class Share:
    label: str
    amount: Decimal
    percent: float  # bar length, relative to the largest amount in the list


def share_bars(items: Sequence[tuple[str, Decimal]]) -> list[Share]:
    """Horizontal bars for a small breakdown (payment types): lengths relative to the largest."""
    largest = max((abs(amount) for _, amount in items), default=Decimal(0))
    return [
        Share(label, amount, round(float(abs(amount) / largest) * 100, 1) if largest else 0.0)
        for label, amount in items
    ]
