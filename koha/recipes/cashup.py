"""A register's cashup as Koha writes it (spec §8.2–§8.5; ``docs/koha-rows.md``, "Cashups"):
which lines a cashup closes, and the rows it writes — unsaved, like every recipe.

Two Koha generations write different rows:

- **classic** (every released Koha): ``add_cashup`` inserts one ``cash_register_actions`` row,
  code CASHUP, ``amount`` = the *signed* sum of the session's lines (``outstanding_accountlines
  ->total``: normally negative, minus the takings), ``manager_id``, ``register_id``; nothing
  else. What was counted has no place in Koha's tables.
- **reconciling** (Koha main with bug 40445, recognised by its CASHUP_SURPLUS credit type and
  CASHUP_DEFICIT debit type): the CASHUP row's ``amount`` is the (positive) sum of the counted
  amounts, and each counted payment type whose count differs from what the session expects gets
  a CASHUP_SURPLUS credit (−difference) or CASHUP_DEFICIT debit (+difference), outstanding 0,
  with its CREATE offset of the line's own amount; the line carries the register, its library,
  the payment type, the note, manager and interface ``intranet``, and is dated one second before
  the cashup — or before the CASHUP_START of a two-phase cashup — so that it closes the session
  it belongs to. A two-phase cashup first writes a CASHUP_START row (``amount`` = the expected
  takings of the counted payment types); lines dated after it belong to the next session.

A session is the register's lines dated strictly after ``session_start`` (``Koha::Cash::Register
::_get_session_start_timestamp``), all of them when it is None.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from koha.models import AccountLine, AccountOffset, CashRegisterAction

ZERO = Decimal(0)
CASHUP = "CASHUP"
CASHUP_START = "CASHUP_START"
SURPLUS = "CASHUP_SURPLUS"  # a credit type
DEFICIT = "CASHUP_DEFICIT"  # a debit type
INTERFACE = "intranet"  # Koha writes the reconciliation lines as its staff interface does
DEFAULT_PAYMENT_TYPES = ("CASH", "SIP00")  # cashup_payment_types without the preference
NOTE_LIMIT = 1000  # Koha keeps the first 1000 characters of a note
BACKDATE = timedelta(seconds=1)


@dataclass(frozen=True)
class Action:
    """One ``cash_register_actions`` row of a register, as the session rules need it."""

    id: int
    code: str
    timestamp: datetime


def _newest(actions: Iterable[Action], code: str, *, before: datetime | None = None,
            after: datetime | None = None) -> Action | None:
    """Koha's ``order_by => [timestamp DESC, id DESC], rows => 1`` among ``code`` actions,
    optionally strictly between ``after`` and ``before``."""
    found = [a for a in actions if a.code == code
             and (before is None or a.timestamp < before)
             and (after is None or a.timestamp > after)]
    return max(found, key=lambda a: (a.timestamp, a.id), default=None)


def cashup_in_progress(actions: Sequence[Action]) -> Action | None:
    """The CASHUP_START newer than the newest CASHUP (``cashup_in_progress``), if any."""
    start = _newest(actions, CASHUP_START)
    if start is None:
        return None
    last = _newest(actions, CASHUP)
    return start if last is None or start.timestamp > last.timestamp else None


def session_start(actions: Sequence[Action]) -> datetime | None:
    """``_get_session_start_timestamp``: the CASHUP_START in progress; else, when the newest
    CASHUP completed a two-phase cashup (a CASHUP_START before it with no CASHUP in between),
    that CASHUP_START; else the newest CASHUP; None when the register was never cashed up. With no
    CASHUP_START at all this is classic Koha's rule: the last cashup's time."""
    started = cashup_in_progress(actions)
    if started is not None:
        return started.timestamp
    last = _newest(actions, CASHUP)
    if last is None:
        return None
    start = _newest(actions, CASHUP_START, before=last.timestamp)
    if start is not None and _newest(actions, CASHUP, after=start.timestamp,
                                     before=last.timestamp) is None:
        return start.timestamp
    return last.timestamp


def cashup_payment_types(preference: str | None) -> tuple[str, ...]:
    """``cashup_payment_types``: the ``CashupPaymentTypes`` list, in its order, split on commas
    with the blanks around them dropped; CASH and SIP00 when it is missing or empty."""
    types = tuple(code for code in (part.strip() for part in (preference or "").split(","))
                  if code)
    return types or DEFAULT_PAYMENT_TYPES


def sanitize_note(note: str | None) -> str | None:
    """Koha's ``_sanitize_note``: the first 1000 characters, trimmed; empty is no note."""
    if note is None:
        return None
    note = note[:NOTE_LIMIT].strip()
    return note or None


@dataclass(frozen=True)
class Count:
    """One counted payment type: what the session expects in the till (money in, positive) and
    what was counted."""

    payment_type: str
    expected: Decimal
    counted: Decimal

    @property
    def difference(self) -> Decimal:
        return self.counted - self.expected


@dataclass(frozen=True)
class Cashup:
    """What a caller passes to ``add_cashup``. ``session_total`` is the signed sum of the
    session's lines (classic Koha's ``amount``); ``started`` the CASHUP_START this cashup
    completes (two-phase), None for a one-step cashup."""

    register_id: int
    library_id: str
    manager_id: int
    counts: tuple[Count, ...]
    note: str | None
    session_total: Decimal
    started: Action | None = None


@dataclass
class CashupRows:
    action: CashRegisterAction
    lines: list[AccountLine]

    def offsets(self) -> list[AccountOffset]:
        """Each reconciliation line's CREATE offset (its own amount), once it has its id."""
        return [
            AccountOffset(credit_id=line.pk if line.credit_type_id else None,
                          debit_id=line.pk if line.debit_type_id else None,
                          type=AccountOffset.Type.CREATE, amount=line.amount)
            for line in self.lines
        ]


def classic_cashup(cashup: Cashup, *, at: datetime) -> CashupRows:
    """Classic ``add_cashup``: the CASHUP row alone, ``amount`` the session's signed total."""
    return CashupRows(action=_action(cashup, CASHUP, cashup.session_total, at), lines=[])


def reconciling_cashup(cashup: Cashup, *, at: datetime) -> CashupRows:
    """Bug 40445's ``add_cashup``: the CASHUP row with the counted total, and a surplus or
    deficit line per payment type whose count differs."""
    counted = sum((count.counted for count in cashup.counts), ZERO)
    dated = (cashup.started.timestamp if cashup.started else at) - BACKDATE
    lines = [_reconciliation_line(cashup, count, dated) for count in cashup.counts
             if count.difference != ZERO]
    return CashupRows(action=_action(cashup, CASHUP, counted, at), lines=lines)


def start_cashup(*, register_id: int, manager_id: int, expected: Decimal,
                 at: datetime) -> CashRegisterAction:
    """``start_cashup``: the CASHUP_START row; ``expected`` = the takings of the counted payment
    types (positive)."""
    return CashRegisterAction(code=CASHUP_START, register_id=register_id, manager_id=manager_id,
                              amount=expected, timestamp=at)


def _action(cashup: Cashup, code: str, amount: Decimal, at: datetime) -> CashRegisterAction:
    return CashRegisterAction(code=code, register_id=cashup.register_id,
                              manager_id=cashup.manager_id, amount=amount, timestamp=at)


def _reconciliation_line(cashup: Cashup, count: Count, dated: datetime) -> AccountLine:
    surplus = count.difference > ZERO
    amount = -abs(count.difference) if surplus else abs(count.difference)
    return AccountLine(
        date=dated, amount=amount, amountoutstanding=ZERO,
        credit_type_id=SURPLUS if surplus else None, debit_type_id=None if surplus else DEFICIT,
        manager_id=cashup.manager_id, interface=INTERFACE, library_id=cashup.library_id,
        register_id=cashup.register_id, payment_type=count.payment_type, note=cashup.note,
        description=None,
    )
