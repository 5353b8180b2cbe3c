"""What a cashup reads (never a write): Koha's cashup preferences and flavour, a register's
actions and its open session (spec §8.2, §8.5; the rules are ``koha.recipes.cashup``'s), and the
cashups kohapay recorded.

The session's expected amount of a payment type is what Koha computes: minus the signed sum of
the register's lines of that type in the session (money in positive, payouts deducted).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum

from koha.models import (
    AccountLine,
    AuthorisedValue,
    CashRegister,
    CashRegisterAction,
    CreditType,
    DebitType,
    SystemPreference,
)
from koha.recipes import cashup as recipe
from payments.models import CashupReconciliation

ZERO = Decimal(0)
PREFERENCES = ("CashupPaymentTypes", "CashupReconciliationNoteRequired",
               "CashupReconciliationNoteAuthorisedValue")
Flavour = CashupReconciliation.Flavour


@dataclass(frozen=True)
class CashupSettings:
    """How this Koha cashes up: its flavour (reconciling when both CASHUP_SURPLUS and
    CASHUP_DEFICIT exist) and its cashup preferences."""

    flavour: str
    payment_types: tuple[str, ...]
    note_required: bool
    note_category: str | None

    @property
    def reconciling(self) -> bool:
        return self.flavour == Flavour.RECONCILING

    @property
    def flavour_label(self) -> str:
        return Flavour(self.flavour).label


def cashup_settings() -> CashupSettings:
    """Read on every cashup and page (two small queries), not cached at start-up: a Koha upgraded
    to reconciliation is recognised without restarting kohapay."""
    types = CreditType.objects.filter(code=recipe.SURPLUS).values_list("code").union(
        DebitType.objects.filter(code=recipe.DEFICIT).values_list("code"), all=True)
    reconciling = len(list(types)) == 2
    prefs = dict(SystemPreference.objects.filter(variable__in=PREFERENCES)
                 .values_list("variable", "value"))
    return CashupSettings(
        flavour=Flavour.RECONCILING if reconciling else Flavour.CLASSIC,
        payment_types=recipe.cashup_payment_types(prefs.get("CashupPaymentTypes")),
        note_required=(prefs.get("CashupReconciliationNoteRequired") or "0").strip() == "1",
        note_category=(prefs.get("CashupReconciliationNoteAuthorisedValue") or "").strip()
        or None,
    )


def note_allowed(category: str, note: str) -> bool:
    return AuthorisedValue.objects.filter(category=category, authorised_value=note).exists()


def register_actions(register_id: int) -> list[recipe.Action]:
    """Every CASHUP and CASHUP_START of the register (a few a day at most)."""
    rows = CashRegisterAction.objects.filter(
        register_id=register_id, code__in=(recipe.CASHUP, recipe.CASHUP_START)
    ).order_by().values_list("id", "code", "timestamp")
    return [recipe.Action(*row) for row in rows]


@dataclass(frozen=True)
class Session:
    """A register's open session: the lines dated after ``start`` up to ``end`` — or, while a
    two-phase cashup is in progress (``started``), the session that cashup closes, up to its
    CASHUP_START. ``totals``: payment type → signed SUM(amount); ``total`` their sum."""

    register: CashRegister
    start: datetime | None
    end: datetime
    started: recipe.Action | None
    last_cashup: recipe.Action | None
    totals: dict[str | None, Decimal]
    lines: int

    @property
    def total(self) -> Decimal:
        return sum(self.totals.values(), ZERO)

    def expected(self, payment_type: str) -> Decimal:
        """Money in of this payment type, payouts deducted (Koha: total × −1)."""
        return -self.totals.get(payment_type, ZERO) + ZERO


def closing(actions: list[recipe.Action]) -> tuple[datetime | None, recipe.Action | None]:
    """Where the session a cashup would close starts, and the CASHUP_START it would complete
    (None: a one-step cashup). While a two-phase cashup is in progress, the session it closes is
    the one before its CASHUP_START."""
    started = recipe.cashup_in_progress(actions)
    if started is None:
        return recipe.session_start(actions), None
    before = [a for a in actions if a.id != started.id and a.timestamp <= started.timestamp]
    return recipe.session_start(before), started


def closed_session(action: CashRegisterAction) -> tuple[datetime | None, datetime]:
    """The session a recorded CASHUP closed, as ``open_session`` saw it at that moment: the lines
    dated after ``start`` (None: from the register's first line) up to ``end`` — the CASHUP's
    time, or the CASHUP_START it completed. Every line belongs to one closed session at most."""
    before = [a for a in register_actions(action.register_id)
              if (a.timestamp, a.id) < (action.timestamp, action.id)]
    start, started = closing(before)
    return start, started.timestamp if started is not None else action.timestamp


def open_session(register: CashRegister, *, now: datetime,
                 actions: list[recipe.Action] | None = None) -> Session:
    """The session a cashup at ``now`` would close. A line belongs to exactly one session: the
    first whose end is at or after its date (one dated after ``now`` waits for a later one)."""
    actions = register_actions(register.id) if actions is None else actions
    start, started = closing(actions)
    end = started.timestamp if started is not None else now  # later lines: the next session
    window = Q(date__lte=end) & (Q(date__gt=start) if start is not None else Q())
    rows = (AccountLine.objects.filter(window, register_id=register.id).order_by()
            .values("payment_type").annotate(total=Sum("amount"), n=Count("pk")))
    totals, lines = {}, 0
    for row in rows:
        totals[row["payment_type"]] = row["total"] or ZERO
        lines += row["n"]
    return Session(register=register, start=start, end=end, started=started,
                   last_cashup=max((a for a in actions if a.code == recipe.CASHUP),
                                   key=lambda a: (a.timestamp, a.id), default=None),
                   totals=totals, lines=lines)


# --- the API: a client's registers and the cashups it may read ---------------------------------


@dataclass(frozen=True)
class RegisterScope:
    """Registers an API client may cash up and read: of ``libraries`` (None: any) and, when
    ``registers`` is not empty, only those."""

    libraries: frozenset[str] | None
    registers: frozenset[int]

    def allows(self, register: CashRegister) -> bool:
        return ((self.libraries is None or register.library_id in self.libraries)
                and (not self.registers or register.pk in self.registers))


def register_scope(client, owner) -> RegisterScope:
    """The intake's scope (``services.rules``): a kohapay client's libraries and registers; a
    Koha API key's owner where Koha lets them act (``can_log_into``), narrowed by the key's
    libraries and registers. Libraries and registers Koha deleted are out (joined)."""
    libraries = frozenset(client.libraries.values_list("branchcode", flat=True))
    registers = frozenset(client.registers.values_list("id", flat=True))
    if owner is None:
        return RegisterScope(libraries, registers)
    independent = SystemPreference.objects.filter(
        variable="IndependentBranches", value="1").exists()
    allowed = owner.libraries(independent_branches=independent)
    if libraries:
        allowed = libraries if allowed is None else allowed & libraries
    return RegisterScope(allowed, registers)


def find_register(register_id: int) -> CashRegister | None:
    return CashRegister.objects.filter(pk=register_id).first()


def register_cashups(register_id: int, *, offset: int, limit: int | None,
                     with_manager: bool) -> tuple[int, list[CashRegisterAction]]:
    """(how many, one page of) the register's CASHUP actions, newest first (Koha's order)."""
    cashups = CashRegisterAction.objects.filter(register_id=register_id, code=recipe.CASHUP)
    if with_manager:
        cashups = cashups.select_related("manager")
    page = cashups.order_by("-timestamp", "-id")[offset:None if limit is None else offset + limit]
    return cashups.count(), list(page)


def action(action_id: int) -> CashRegisterAction:
    return CashRegisterAction.objects.get(pk=action_id)


def cashup_action(cashup_id: int) -> CashRegisterAction | None:
    return (CashRegisterAction.objects.filter(pk=cashup_id, code=recipe.CASHUP)
            .select_related("register", "manager").first())


def reconciliations(action_ids: list[int]) -> dict[int, CashupReconciliation]:
    """kohapay's records of these cashups, with their counts (two queries)."""
    records = CashupReconciliation.objects.filter(action_id__in=action_ids).prefetch_related(
        "counts")
    return {record.action_id: record for record in records}
