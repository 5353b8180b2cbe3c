"""Cashups: the ONLY code that writes a register's cashup into Koha's tables (spec §8.2–§8.5).

``record_cashup`` checks the request against Koha's cashup preferences (before the transaction:
reads only), then, in one durable transaction:

    _lock_register → open_session → _check_seen → _counts → _check_note → _write_rows
    → _check_invariants → _record → _outlast_the_second

The rows come from ``koha.recipes.cashup`` — the classic CASHUP row, or with reconciliation the
CASHUP row and its surplus/deficit lines — and kohapay's ``CashupReconciliation`` with one
``CashupCount`` per counted payment type. ``start_cashup`` writes a two-phase cashup's
CASHUP_START. Every refusal is raised (``payments.cashups.exceptions``): the block rolls back and
nothing is written.

The lock: the register's ``cash_registers`` row, FOR UPDATE, first and alone. The races it
closes: two people cashing up one register at once (the second waits, then finds the session
closed and is told so), and a payment arriving during a cashup — kohapay's intake takes the same
row in share mode before it dates its lines (``payments.services.register_locks``), so a payment
is either committed before the cashup reads the session (and counted in it) or dated after the
cashup (and in the next session). Koha's own desk takes no such lock: a desk payment committing
in the milliseconds of a cashup is as exposed as it is in Koha itself.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from koha.models import AccountLine, AccountOffset, CashRegister
from koha.recipes import cashup as recipe
from payments.cashups import exceptions as err
from payments.cashups.selectors import (
    CashupSettings,
    Session,
    cashup_settings,
    closing,
    note_allowed,
    open_session,
    register_actions,
)
from payments.models import ApiClient, CashupCount, CashupReconciliation

logger = logging.getLogger("kohapay.cashups")
ZERO = Decimal(0)
BOUNDARY = timedelta(seconds=1)
UNSEEN = object()  # the caller did not say which session it counted


@dataclass(frozen=True)
class CashupResult:
    cashup_id: int
    replayed: bool


def record_cashup(*, register_id: int, manager_id: int, counted: dict[str, Decimal] | None,
                  note: str | None = None, recorded_by=None, client: ApiClient | None = None,
                  idempotency_key: str | None = None, request_hash: str = "",
                  seen_start=UNSEEN) -> CashupResult:
    """Cash up the register as ``manager_id`` (a Koha borrowernumber). ``counted``: payment type
    → amount counted in the till; a counted payment type left out counts 0. ``seen_start``: the
    session start the person counted against (the dashboard's form; by default the one read just
    before the lock): when the register was cashed up since, the cashup is refused
    (``SessionChanged``) — the loser of two simultaneous cashups is told so."""
    if client is not None and idempotency_key is not None:
        earlier = _earlier(client, idempotency_key, request_hash)
        if earlier is not None:
            return earlier
    settings = cashup_settings()
    counted = _checked_counts(counted or {}, settings)
    note = recipe.sanitize_note(note)
    if seen_start is UNSEEN:  # what the session was before waiting for the lock
        seen_start = closing(register_actions(register_id))[0]
    who = {"recorded_by": recorded_by, "client": client, "idempotency_key": idempotency_key,
           "request_hash": request_hash}
    try:
        record = _write(register_id, manager_id, counted, note, settings, seen_start, who)
    except (IntegrityError, err.SessionChanged) as exc:
        # A retry of a request still in flight waited for the register, then found the session
        # its twin closed (or the twin's key in the unique index): answer with the twin's.
        earlier = _earlier(client, idempotency_key, request_hash) if client else None
        if earlier is not None:
            return earlier
        if isinstance(exc, err.SessionChanged):
            raise
        raise err.CashupConflict() from None
    logger.info("register %s cashed up by patron %s: cashup %s (%s)", register_id, manager_id,
                record.action_id, settings.flavour)
    return CashupResult(cashup_id=record.action_id, replayed=False)


def _write(register_id: int, manager_id: int, counted: dict, note: str | None,
           settings: CashupSettings, seen_start, who: dict) -> CashupReconciliation:
    with transaction.atomic(durable=True):
        register = _lock_register(register_id)
        now = _now()  # after the lock, which may have waited
        session = open_session(register, now=now)
        _check_seen(session, seen_start)
        counts = _counts(session, counted, settings)
        _check_note(counts, note, settings)
        cashup = recipe.Cashup(
            register_id=register.id, library_id=register.library_id, manager_id=manager_id,
            counts=counts, note=note, session_total=session.total, started=session.started)
        rows = _write_rows(cashup, settings, now)
        _check_invariants(cashup, rows, settings)
        record = _record(cashup, rows, session, settings, **who)
        _outlast_the_second(now)
    return record


def start_cashup(*, register_id: int, manager_id: int) -> int:
    """``start_cashup`` (two-phase, reconciling Koha only): a CASHUP_START whose ``amount`` is
    the expected takings of the counted payment types; lines dated after it belong to the next
    session. Returns its id."""
    settings = cashup_settings()
    if not settings.reconciling:
        raise err.TwoPhaseUnavailable()
    with transaction.atomic(durable=True):
        register = _lock_register(register_id)
        now = _now()
        actions = register_actions(register.id)
        if recipe.cashup_in_progress(actions) is not None:
            raise err.CashupInProgress()
        session = open_session(register, now=now, actions=actions)
        if session.total == ZERO:
            raise err.EmptySession()
        expected = sum((session.expected(code) for code in settings.payment_types), ZERO)
        action = recipe.start_cashup(register_id=register.id, manager_id=manager_id,
                                     expected=expected, at=now)
        action.save(force_insert=True)
    return action.pk


def _now() -> datetime:
    return timezone.now().replace(microsecond=0)  # MariaDB `timestamp` keeps whole seconds


def _outlast_the_second(at: datetime) -> None:
    """Commit only once the clock has left the cashup's second. ``timestamp`` keeps whole
    seconds and a session is the lines dated strictly after it: a payment that waited for the
    register's row and dated itself in that same second would belong to no session. At most a
    second, once per cashup."""
    left = (at + BOUNDARY - timezone.now()).total_seconds()
    if left > 0:
        time.sleep(left)


# --- before the transaction --------------------------------------------------------------------


def _checked_counts(counted: dict[str, Decimal], settings: CashupSettings) -> dict:
    for payment_type, amount in counted.items():
        if payment_type not in settings.payment_types:
            raise err.PaymentTypeNotCounted(
                f"{payment_type} is not counted at a cashup: CashupPaymentTypes lists "
                f"{', '.join(settings.payment_types)}.")
        if not isinstance(amount, Decimal) or not amount.is_finite() or amount < ZERO:
            raise err.InvalidCount(f"The counted {payment_type} amount must be a number of at "
                                   "least 0.")
    return counted


def _earlier(client: ApiClient, key: str | None, request_hash: str) -> CashupResult | None:
    if key is None:
        return None
    found = CashupReconciliation.objects.filter(client=client, idempotency_key=key).first()
    if found is None:
        return None
    if found.request_hash != request_hash:
        raise err.IdempotencyKeyConflict()
    return CashupResult(cashup_id=found.action_id, replayed=True)


# --- inside the transaction --------------------------------------------------------------------


def _lock_register(register_id: int) -> CashRegister:
    register = CashRegister.objects.select_for_update().filter(pk=register_id).first()
    if register is None:
        raise err.CashRegisterNotFound()
    return register


def _check_seen(session: Session, seen_start) -> None:
    if seen_start is not UNSEEN and seen_start != session.start:
        raise err.SessionChanged()


def _counts(session: Session, counted: dict, settings: CashupSettings) -> tuple:
    """One count per counted payment type, in ``CashupPaymentTypes``' order. A one-step cashup
    of an empty session is refused as Koha refuses to start one: the session's lines add up to
    nothing (a two-phase cashup was checked when it started)."""
    if session.started is None and session.total == ZERO:
        raise err.EmptySession()
    return tuple(recipe.Count(code, session.expected(code), counted.get(code, ZERO))
                 for code in settings.payment_types)


def _check_note(counts: tuple, note: str | None, settings: CashupSettings) -> None:
    """Koha's rules: with ``CashupReconciliationNoteRequired``, a difference needs a note, and
    when ``CashupReconciliationNoteAuthorisedValue`` names a category the note must be one of
    its values."""
    if not settings.note_required:
        return
    if note is None and any(c.difference != ZERO for c in counts):
        raise err.NoteRequired()
    if note is not None and settings.note_category and not note_allowed(
            settings.note_category, note):
        raise err.InvalidNote()


def _write_rows(cashup: recipe.Cashup, settings: CashupSettings,
                now: datetime) -> recipe.CashupRows:
    build = recipe.reconciling_cashup if settings.reconciling else recipe.classic_cashup
    rows = build(cashup, at=now)
    rows.action.save(force_insert=True)
    for line in rows.lines:
        line.save(force_insert=True)
    AccountOffset.objects.bulk_create(rows.offsets())
    return rows


def _check_invariants(cashup: recipe.Cashup, rows: recipe.CashupRows,
                      settings: CashupSettings) -> None:
    """Re-read the lines written and prove they are the differences, one per payment type that
    differs (none in classic Koha): else a bug — raise, roll back, log."""
    ids = [line.pk for line in rows.lines]
    stored = {line.payment_type: -line.amount for line in AccountLine.objects.filter(pk__in=ids)}
    wanted = {c.payment_type: c.difference for c in cashup.counts
              if settings.reconciling and c.difference != ZERO}
    offsets = AccountOffset.objects.filter(Q(credit_id__in=ids) | Q(debit_id__in=ids),
                                           type=AccountOffset.Type.CREATE)
    created = sum((o.amount for o in offsets), ZERO)
    if stored != wanted or created != sum((line.amount for line in rows.lines), ZERO):
        logger.error("cashup invariant violated on register %s: lines %s, wanted %s",
                     cashup.register_id, stored, wanted)
        raise err.CashupInvariantViolation()


def _record(cashup: recipe.Cashup, rows: recipe.CashupRows, session: Session,
            settings: CashupSettings, **who) -> CashupReconciliation:
    record = CashupReconciliation.objects.create(
        action_id=rows.action.pk, start_action_id=session.started.id if session.started else None,
        register_id=cashup.register_id, flavour=settings.flavour, session_start=session.start,
        session_end=session.end, note=cashup.note, **who)
    lines = {line.payment_type: line.pk for line in rows.lines}
    CashupCount.objects.bulk_create(
        CashupCount(cashup=record, payment_type=c.payment_type, position=i, expected=c.expected,
                    counted=c.counted, difference=c.difference, line_id=lines.get(c.payment_type))
        for i, c in enumerate(cashup.counts))
    return record
