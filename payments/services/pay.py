"""Paying debits a patron already owes: the second path that writes a payment into Koha's tables.

``pay_debits`` checks the request (``rules.plan_payment``), then writes, in one durable
transaction, exactly what Koha's ``Koha::Account->pay`` writes (spec §3.3–3.5; the rows come
from ``koha.recipes.pay``) plus kohapay's Intake record of kind ``pay``:

    _lock_patron → _lock_debits → [hold_register] → _allocate → [_allocate_credit_number] → _create_credit
    → _create_offsets → _settle → _record_statistics → [_log_fines] → _check_invariants
    → _record_intake

The debits are read inside the transaction and locked, in one fixed order: the patron's
``borrowers`` row first (as a charge takes it), then every line of the patron with something
outstanding, by id. So two kiosks paying the same fine run one after the other, and the second
sees what the first left; a Koha desk payment committed before our locks is seen, one still
writing makes us wait for it (or InnoDB picks a deadlock victim: ``write_once`` answers 409).
Any refusal inside — a named line paid or changed since the rules read it (409), an amount
above what is owed, a payment Koha would accompany with circulation changes — raises, and the
block rolls back: nothing written.
Each write is one statement of ``payments.sql``, for the reason the charge's are.
"""
import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.money import exact
from koha import recipes
from koha.identity.api_keys import KeyOwner
from koha.models import AccountLine, AccountOffset
from payments import exceptions as err
from payments import sql
from payments.models import ApiClient, Intake
from payments.responses import payment_response_body
from payments.services.credit_numbers import allocate_credit_number
from payments.services.idempotency import write_once
from payments.services.intake import hold_register
from payments.services.ledger import ZERO, payment_problems
from payments.services.results import IntakeResult
from payments.services.rules import PaymentPlan, plan_payment

logger = logging.getLogger("kohapay.intake")

INTERFACE = "api"  # C4::Context->interface of Koha's REST API (spec §2.4)


def pay_debits(*, client: ApiClient, patron_id: int, amount: Decimal, payment_type: str,
               account_lines_ids: list[int] | None = None, register_id: int | None = None,
               library_id: str | None = None, description: str = "", note: str = "",
               external_id: str | None = None, idempotency_key: str | None = None,
               request_hash: str, owner: KeyOwner | None = None) -> IntakeResult:
    """Pay ``amount`` towards what the patron owes — the lines named first, in the order given,
    then their other outstanding debits oldest first — or replay the earlier answer to the same
    request. Raises a ``PaymentError`` for every refusal; writes nothing unless it succeeds."""
    guard = {"client": client, "idempotency_key": idempotency_key, "external_id": external_id,
             "request_hash": request_hash}

    def checked_then_written():
        # The rules read the debits too: a twin that paid them meanwhile makes them refuse,
        # and write_once then answers with the twin's payment instead. So does a plain retry
        # of a recorded payment: there is no look-up of an earlier intake first, as for a
        # charge (services.intake) — its debits are paid (a rule refuses), or the unique
        # indexes of ``kohapay_intake`` refuse its INSERT, and ``write_once`` answers with the
        # replay, the 422 or the 409, in the same order as a look-up first.
        plan = plan_payment(
            client=client, owner=owner, patron_id=patron_id, amount=amount,
            payment_type=payment_type, register_id=register_id, library_id=library_id,
            account_lines_ids=account_lines_ids or [], description=description, note=note,
        )
        return _write(plan, **guard)

    return write_once(checked_then_written, guard=guard, patron_id=patron_id)


def _write(plan: PaymentPlan, *, client: ApiClient, idempotency_key: str | None,
           external_id: str | None, request_hash: str) -> IntakeResult:
    with transaction.atomic(durable=True):
        balance_before = _lock_patron(plan.patron_id)
        owed = _lock_debits(plan)
        hold_register(plan.register_id)  # the cashup's lock, as a charge takes it (intake.py)
        now = timezone.now().replace(microsecond=0)  # after the locks: when rows are written
        rows = _allocate(plan, owed, now)
        rows.credit.credit_number = _allocate_credit_number(plan, now)
        credit = _create_credit(rows)
        offsets = _create_offsets(rows)
        _settle(rows)
        _record_statistics(rows)
        _log_fines(rows)
        credit, debits, balance = _check_invariants(plan, rows, offsets, balance_before)
        body = payment_response_body(
            patron_id=plan.patron_id, external_id=external_id, balance=balance, credit=credit,
            debits=debits, offsets=offsets,
        )
        _record_intake(plan, client=client, idempotency_key=idempotency_key,
                       external_id=external_id, request_hash=request_hash, credit=credit,
                       body=body)
    return IntakeResult(status_code=201, body=body, patron_id=plan.patron_id,
                        payment_id=credit.pk, replayed=False)


def _lock_patron(patron_id: int) -> Decimal:
    """The patron's row first, as a charge locks it: every kohapay payment for this patron, of
    either kind, queues here, so none ever holds a debit another is waiting for."""
    balance = sql.lock_patron(patron_id)
    if balance is None:  # deleted since the rules were checked
        raise err.PatronNotFound()
    return balance


@dataclass(frozen=True)
class Locked:
    """A line of the patron with something outstanding, as read under lock."""

    line_id: int
    is_debit: bool  # Koha's is_debit: no credit_type_code
    amount: Decimal
    owed: recipes.Owed


def _lock_debits(plan: PaymentPlan) -> list[recipes.Owed]:
    """Lock every line of the patron with something outstanding (SELECT … FOR UPDATE, by id:
    the one order every kohapay payment takes them in) and return the debits to pay, in
    Koha's order: the named ones as given, then the others in id order — Koha's
    ``outstanding_debits`` (amount > 0 and amountoutstanding > 0), which asks the database for
    no order and gets the patron's index order, i.e. by id (docs/koha-rows.md)."""
    locked = {line.line_id: line for line in _read_locked(plan.patron_id)}
    named = []
    for line_id in plan.account_lines_ids:
        line = locked.get(line_id)
        if line is None or not line.is_debit:
            # It was a payable debit of the patron when the rules read it: someone else (another
            # kiosk, Koha's desk) paid or changed it since. Its answer is no longer ours to give.
            raise err.ConcurrentChange(
                f"Account line {line_id} was paid or changed while this payment was being "
                "recorded; nothing was written. Retry to see what is still owed.")
        named.append(line.owed)
    chosen = set(plan.account_lines_ids)
    others = [line.owed for line in locked.values()
              if line.line_id not in chosen and line.amount > ZERO]
    return named + others


def _read_locked(patron_id: int) -> list[Locked]:
    lines = sql.locked_lines(patron_id)  # one fixed statement: payments.sql says why
    return [
        Locked(line_id=pk, is_debit=credit_type is None, amount=amount or ZERO,
               owed=recipes.Owed(pk, outstanding, debit_type=debit_type, status=status,
                                 item_id=item_id))
        for pk, credit_type, amount, outstanding, debit_type, status, item_id in lines
    ]


def _allocate(plan: PaymentPlan, owed: list[recipes.Owed], now: datetime
              ) -> recipes.PaymentRows:
    """Koha's allocation, then kohapay's two refusals: money Koha would leave unapplied, and
    debits whose payment Koha would accompany with circulation changes."""
    rows = recipes.pay(_payment(plan), owed, at=now)
    if rows.unapplied > ZERO:
        outstanding = sum((debit.outstanding for debit in owed), ZERO)
        raise err.AmountExceedsOutstanding(
            f"Patron {plan.patron_id} owes {exact(outstanding)} in outstanding debits; "
            f"{exact(plan.amount)} is more, and kohapay never leaves an unapplied credit.",
            extra={"outstanding": exact(outstanding)},
        )
    effects = recipes.circulation_effects(rows, plan.circulation)
    if effects:
        raise err.RequiresKoha(_requires_koha(effects[0]))
    return rows


def _requires_koha(effect: recipes.CirculationEffect) -> str:
    what = {recipes.RENEW: f"renew item {effect.item_id} (RenewAccruingItemWhenPaid is on)",
            recipes.RETURN_LOST: f"return lost item {effect.item_id} (MarkLostItemsAsReturned "
                                 "lists onpayment)"}[effect.effect]
    return (f"Paying account line {effect.line_id} off would make Koha {what}, which kohapay "
            "cannot do: take this payment in Koha.")


def _payment(plan: PaymentPlan) -> recipes.Payment:
    return recipes.Payment(
        patron_id=plan.patron_id, manager_id=plan.staff_patron_id, library_id=plan.library_id,
        interface=INTERFACE, amount=plan.amount, payment_type=plan.payment_type,
        register_id=plan.register_id, note=plan.note, description=plan.description,
        fines_log=plan.fines_log,
    )


def _allocate_credit_number(plan: PaymentPlan, now: datetime) -> str | None:
    if plan.credit_number_format is None:
        return None
    return allocate_credit_number(
        number_format=plan.credit_number_format, library_id=plan.library_id, now=now
    )


def _create_credit(rows: recipes.PaymentRows) -> AccountLine:
    """The PAYMENT credit, born outstanding (−A) as add_credit inserts it; its id by
    ``RETURNING``."""
    sql.insert([rows.credit], return_ids=True)
    return rows.credit


def _create_offsets(rows: recipes.PaymentRows) -> list[AccountOffset]:
    """CREATE (+A) and one APPLY (−x) per debit paid, in one INSERT, rows back by
    ``RETURNING``."""
    offsets = rows.offsets()
    sql.insert(offsets, return_rows=True)
    return offsets


def _settle(rows: recipes.PaymentRows) -> None:
    """What ``apply`` leaves: the credit and every debit paid off at 0 in one UPDATE; the last
    debit, when only partly paid (the allocation is greedy: only the last one can be), at what
    it still owes."""
    paid_off = [line_id for line_id, left in rows.debits_left() if left == ZERO]
    sql.update_column(AccountLine, [rows.credit.pk, *paid_off], "amountoutstanding", ZERO)
    for line_id, left in rows.debits_left():
        if left != ZERO:
            sql.update_column(AccountLine, [line_id], "amountoutstanding", left)


def _record_statistics(rows: recipes.PaymentRows) -> None:
    sql.insert([rows.statistic])


def _log_fines(rows: recipes.PaymentRows) -> None:
    if rows.logs:
        sql.insert(rows.logs)


def _check_invariants(plan: PaymentPlan, rows: recipes.PaymentRows,
                      offsets: list[AccountOffset], balance_before: Decimal):
    """Re-read the credit and the debits it paid and prove the ledger whole before committing:
    the credit is −A and at 0, each debit is where the allocation put it, the offsets are one
    CREATE of +A and APPLYs to those debits summing to −A (else a bug: 500); and the patron's
    balance went down by exactly A (else a concurrent writer: 409).
    Returns the credit and the debits as stored, and the balance."""
    expected = rows.debits_left()
    lines, balance = sql.written_lines(plan.patron_id, rows.credit.pk,
                                       *(line_id for line_id, _ in expected))
    credit = lines.get(rows.credit.pk)
    problems = payment_problems(plan.patron_id, plan.amount, credit, lines, expected, offsets)
    if problems:
        logger.error("payment invariant violated for patron %s: %s", plan.patron_id,
                     "; ".join(problems))
        raise err.InvariantViolation(problems=problems)
    if balance != balance_before - plan.amount:
        # Every line we touched is locked and proven: only another writer's new line (Koha's
        # desk takes no lock on the patron) can have moved the balance otherwise.
        logger.warning("patron %s balance went from %s to %s during a payment of %s (a "
                       "concurrent Koha write); rolled back", plan.patron_id, balance_before,
                       balance, plan.amount)
        raise err.ConcurrentChange()
    return credit, [lines[line_id] for line_id, _ in expected], balance


def _record_intake(plan: PaymentPlan, *, client: ApiClient, idempotency_key: str | None,
                   external_id: str | None, request_hash: str, credit: AccountLine,
                   body: dict) -> None:
    """kohapay's record, in the same transaction; its unique indexes are the idempotency guard
    (a concurrent twin blocks here until the first commits, then fails and rolls back)."""
    sql.insert([Intake(
        client=client, kind=Intake.Kind.PAY, idempotency_key=idempotency_key,
        external_id=external_id, request_hash=request_hash, patron_id=plan.patron_id,
        payment_id=credit.pk, debit=None, response_status=201, response_body=body,
    )])
