"""Facts → a balanced journal (pure: no query).

For each day and library (a cashup's journal: the cashup's day):

- each payment type's money in is a **debit** of its clearing account ("Takings"), its money out
  a **credit** ("Payouts");
- what the money was for is **credited** to the income account of the debit type (net of VAT)
  and to the VAT account; what was given back (refunds) is **debited** to the same accounts —
  payouts and refunds reversed. Money not applied to any debit goes to its credit type's account
  (a patron's credit), a payout or deficit with nothing behind it to its debit type's account;
- VAT is in the price (Koha stores VAT-inclusive prices): VAT = gross × rate ÷ (100 + rate),
  rounded half up to the cent on each income line; the line keeps gross − VAT;
- every line is then rounded to the cent; what the rounding leaves unbalanced in a day's journal
  (sub-cent amounts Koha may store) goes on its largest line, so every day — and so the whole
  journal — sums to exactly zero;
- a code with no mapping goes to the default account and is listed as a warning, never dropped.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from journal.facts import CREDIT_TYPE, DEBIT_TYPE, IN, PAYMENT_TYPE, Key
from journal.mappings import Mappings, Target
from registers.formatting import plain_text

ZERO = Decimal(0)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
COLUMNS = ["date", "library", "cost_centre", "account", "description", "debit", "credit",
           "vat_code", "reference"]


@dataclass(frozen=True)
class Line:
    date: date
    library: str
    cost_centre: str
    account: str
    description: str
    debit: Decimal
    credit: Decimal
    vat_code: str
    reference: str

    def cells(self) -> dict:
        return {name: getattr(self, name) for name in COLUMNS}


@dataclass(frozen=True)
class Unmapped:
    kind: str
    code: str
    amount: Decimal  # money through the default account, as the till saw it
    account: str

    @property
    def message(self) -> str:
        what = {PAYMENT_TYPE: "Payment type", DEBIT_TYPE: "Debit type",
                CREDIT_TYPE: "Credit type"}[self.kind]
        return (f"{what} {self.code or '(none)'} is not mapped: {plain_text(self.amount)} went "
                f"to the default account {self.account}.")


@dataclass(frozen=True)
class Journal:
    lines: tuple[Line, ...]
    warnings: tuple[Unmapped, ...]
    mapping_version: int

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)

    @property
    def balanced(self) -> bool:
        return self.total_debit == self.total_credit

    @property
    def digest(self) -> str:
        """What the journal says, line by line, and the mapping version it used: the posting
        form carries it, so that what is posted is what was shown."""
        text = "\n".join("|".join(str(v) for v in line.cells().values()) for line in self.lines)
        return hashlib.sha256(f"{self.mapping_version}\n{text}".encode()).hexdigest()


@dataclass
class _Draft:
    """A line before rounding: its value is debit − credit, exact."""

    cost_centre: str
    account: str
    description: str
    value: Decimal
    vat_code: str = ""


def build(found: dict[Key, Decimal], mappings: Mappings, *,
          reference: Callable[[date, str], str], on_day: date | None = None) -> Journal:
    """The journal of these facts. ``reference`` names a day's lines of a library;
    ``on_day`` dates every line (a cashup's journal)."""
    groups: dict[tuple[date, str], list[tuple[Key, Decimal]]] = defaultdict(list)
    for key, amount in found.items():
        groups[(on_day or key.day, key.library)].append((key, amount))
    lines: list[Line] = []
    unmapped: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for (day, library), items in sorted(groups.items()):
        drafts = _drafts(items, library, mappings, unmapped)
        ref = reference(day, library)
        lines.extend(Line(day, library, d.cost_centre, d.account, d.description,
                          max(d.value, ZERO), max(-d.value, ZERO), d.vat_code, ref)
                     for d in _rounded(drafts))
    warnings = tuple(Unmapped(kind, code, amount, mappings.target(kind, code).account)
                     for (kind, code), amount in sorted(unmapped.items()) if amount)
    return Journal(tuple(lines), warnings, mappings.version)


KIND_ORDER = {PAYMENT_TYPE: 0, DEBIT_TYPE: 1, CREDIT_TYPE: 2}


def _drafts(items, library: str, mappings: Mappings, unmapped: dict) -> list[_Draft]:
    """A day's lines: per flow (money in, then out), the clearing lines, the income (or
    refund) lines, then the VAT lines. A category is one line whatever paid for it."""
    summed: dict[tuple[str, int, str], Decimal] = defaultdict(Decimal)
    for key, amount in items:
        code = key.payment_type if key.kind == PAYMENT_TYPE else key.code
        summed[(key.flow, KIND_ORDER[key.kind], key.kind, code)] += amount
    drafts: list[_Draft] = []
    vat: dict[tuple[str, str, Decimal], Decimal] = defaultdict(Decimal)
    for (flow, _, kind, code), amount in sorted(summed.items()):
        if not amount:
            continue
        target = mappings.target(kind, code)
        if not target.mapped:
            unmapped[(kind, code)] += amount
        cost_centre = mappings.cost_centre(library, target)
        label = mappings.label(kind, code)
        if kind == PAYMENT_TYPE:
            word = "Takings" if flow == IN else "Payouts"
            drafts.append(_Draft(cost_centre, target.account, f"{word} {label}", amount))
            continue
        tax = _vat(amount, target)
        drafts.append(_Draft(cost_centre, target.account, f"{_category_word(flow, kind)} {label}",
                             -(amount - tax), target.vat_code))
        if tax:
            vat[(flow, target.vat_code, target.vat_rate)] += tax
    vat_target = Target(mappings.settings.vat_account)
    for (flow, code, rate), tax in sorted(vat.items()):
        word = "VAT" if flow == IN else "VAT refunded"
        drafts.append(_Draft(mappings.cost_centre(library, vat_target), vat_target.account,
                             f"{word} {rate.normalize():f}%" + (f" ({code})" if code else ""),
                             -tax, code))
    return drafts


def _category_word(flow: str, kind: str) -> str:
    if kind == DEBIT_TYPE:
        return "Income" if flow == IN else "Paid out for"
    return "Credit held" if flow == IN else "Credit paid out"


def _vat(gross: Decimal, target: Target) -> Decimal:
    if not target.vat_rate:
        return ZERO
    return (gross * target.vat_rate / (HUNDRED + target.vat_rate)).quantize(CENT, ROUND_HALF_UP)


def _rounded(drafts: list[_Draft]) -> list[_Draft]:
    """Each value to the cent; the day's remainder on its largest line; zero lines dropped."""
    for draft in drafts:
        draft.value = draft.value.quantize(CENT, ROUND_HALF_UP)
    remainder = sum((d.value for d in drafts), ZERO)
    if remainder and drafts:
        largest = max(drafts, key=lambda d: abs(d.value))
        largest.value -= remainder
    return [d for d in drafts if d.value]
