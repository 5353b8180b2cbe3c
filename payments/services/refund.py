"""Refunds of a client's own payments and sales: what Koha's staff pages write when they give
money back — ``Koha::Account::Line::reduce`` with type REFUND on each paid debit, then ``payout``
of that refund credit through the register (``koha.recipes.refund``; docs/koha-rows.md).

``refund_payment`` / ``refund_sale`` check the request (``refund_rules``), then write, in one
durable transaction, plus kohapay's Intake record of kind ``refund`` and a ``RefundLine`` per
debit refunded:

    [_lock_patron] → _lock_refunded → _lock_debits → _allocate → [_allocate_credit_numbers]
    → _create_lines → _create_offsets → _mark_refunded → _settle → _mark_paid
    → _check_invariants → _record_refund

**Locks, in one fixed order** (no kohapay writer takes them in another, so none waits for
another in a cycle): the patron's ``borrowers`` row (a payment's refund; every kohapay payment
for the patron takes it first too) → the refunded credit (the PAYMENT, or the sale's PURCHASE)
→ the debits it paid, by id → the credit-number lock, last, as everywhere. Two refunds of one
payment queue on its credit's row: the second reads what is still refundable only once the
first has committed (READ COMMITTED reads after the lock is granted), so together they never
give back more than was paid.

What is refundable of each debit the payment paid: what the payment paid of it, less what
kohapay's earlier refunds of this payment gave back for it (``RefundLine``), and never more than
Koha's ``reduce`` accepts (the debit's amount less its DISCOUNT and REFUND reductions, by
anyone). A refund takes the debits in the order the payment paid them.
Any refusal inside raises, and the block rolls back: nothing written.
"""
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from core.money import exact
from koha import recipes
from koha.identity.api_keys import KeyOwner
from koha.models import AccountLine, AccountOffset
from payments import exceptions as err
from payments import sql
from payments.models import ApiClient, Intake, RefundLine
from payments.sales.responses import refund_response_body
from payments.services.credit_numbers import allocate_credit_numbers
from payments.services.idempotency import previous_intake, write_once
from payments.services.intake import hold_register
from payments.services.ledger import ZERO
from payments.services.refund_rules import (
    PAYMENT,
    RefundPlan,
    plan_payment_refund,
    plan_sale_refund,
)
from payments.services.results import IntakeResult
from payments.services.till_ledger import refund_problems

logger = logging.getLogger("kohapay.intake")

INTERFACE = "api"  # C4::Context->interface of Koha's REST API; Koha's staff pages write intranet
REDUCTIONS = ("DISCOUNT", "REFUND")  # what reduce counts against a debit's amount


def refund_payment(*, client: ApiClient, patron_id: int, payment_id: int, request_hash: str,
                   idempotency_key: str | None = None, owner: KeyOwner | None = None,
                   **request) -> IntakeResult:
    """Refund ``amount`` (None: all that is still refundable) of one of the client's payments
    for ``patron_id``, paid out as ``payout_type`` — or replay the earlier answer."""
    return _refund(lambda: plan_payment_refund(client=client, owner=owner, patron_id=patron_id,
                                               payment_id=payment_id, **request),
                   client=client, idempotency_key=idempotency_key, request_hash=request_hash)


def refund_sale(*, client: ApiClient, register_id: int, sale_id: int, request_hash: str,
                idempotency_key: str | None = None, owner: KeyOwner | None = None,
                **request) -> IntakeResult:
    """Refund ``amount`` (None: all that is still refundable) of one of the client's sales at
    ``register_id`` — or replay the earlier answer."""
    return _refund(lambda: plan_sale_refund(client=client, owner=owner, register_id=register_id,
                                            sale_id=sale_id, **request),
                   client=client, idempotency_key=idempotency_key, request_hash=request_hash)


def _refund(plan_it, *, client: ApiClient, idempotency_key: str | None,
            request_hash: str) -> IntakeResult:
    guard = {"client": client, "idempotency_key": idempotency_key, "external_id": None,
             "request_hash": request_hash}
    earlier = previous_intake(**guard)
    if earlier is not None:
        return earlier
    plan = plan_it()
    return write_once(lambda: _write(plan, client=client, idempotency_key=idempotency_key,
                                     request_hash=request_hash),
                      guard=guard, patron_id=plan.patron_id)


def _write(plan: RefundPlan, *, client: ApiClient, idempotency_key: str | None,
           request_hash: str) -> IntakeResult:
    with transaction.atomic(durable=True):
        balance_before = _lock_patron(plan)
        _lock_refunded(plan)
        paid = _lock_debits(plan)
        hold_register(plan.register_id)  # the cashup's lock: the payout lands in one session
        now = timezone.now().replace(microsecond=0)  # after the locks: when rows are written
        rows = _allocate(plan, paid, now)
        for row, number in zip(rows, _allocate_credit_numbers(plan, len(rows), now)):
            row.credit.credit_number = number
        _create_lines(rows)
        offsets = _create_offsets(rows)
        _mark_refunded(rows)
        _settle(rows)
        _mark_paid(rows)
        lines = _check_invariants(plan, rows, offsets, balance_before)
        left = sum((debit.refundable for debit in paid), ZERO) - sum(
            (row.amount for row in rows), ZERO)
        body = refund_response_body(plan=plan, rows=rows, lines=lines, offsets=offsets,
                                    refundable=left)
        _record_refund(plan, rows, client=client, idempotency_key=idempotency_key,
                       request_hash=request_hash, body=body)
    return IntakeResult(status_code=201, body=body, patron_id=plan.patron_id,
                        payment_id=plan.refunded_id, replayed=False)


def _lock_patron(plan: RefundPlan) -> Decimal | None:
    """A payment's patron first, as every kohapay payment for the patron locks it; the balance
    before (a refund leaves it as it was). A sale has no patron."""
    if plan.patron_id is None:
        return None
    balance = sql.lock_patron(plan.patron_id)
    if balance is None:  # deleted since the rules were checked
        raise err.PatronNotFound()
    return balance


def _lock_refunded(plan: RefundPlan) -> None:
    """The refunded credit's row: two refunds of one payment or sale queue here."""
    status = (AccountLine.objects.select_for_update().filter(pk=plan.refunded_id)
              .values_list("status", flat=True))
    found = list(status)
    if not found:
        raise err.ConcurrentChange(f"Credit {plan.refunded_id} was deleted in Koha while this "
                                   "refund was being recorded; nothing was written.")
    if found[0] == "VOID":
        raise err.PaymentVoided(f"Payment {plan.refunded_id} was voided in Koha: its money was "
                                "given back already; nothing was written.")


@dataclass(frozen=True)
class PaidDebit:
    """A debit the refunded credit paid, as read under lock."""

    debit: recipes.Refunded
    paid: Decimal  # what the refunded credit paid of it (its APPLY offsets)
    refunded_before: Decimal  # what kohapay's earlier refunds of this credit gave back for it

    @property
    def refundable(self) -> Decimal:
        return max(min(self.paid - self.refunded_before, self.debit.reducible), ZERO)


def _lock_debits(plan: RefundPlan) -> list[PaidDebit]:
    """The debits the refunded credit paid, in the order it paid them, locked by id; with what
    it paid of each, Koha's reductions of each and kohapay's earlier refunds of each."""
    paid = _paid_by(plan.refunded_id)
    locked = {pk: (patron_id, debit_type, amount, outstanding) for
              pk, patron_id, debit_type, amount, outstanding in
              AccountLine.objects.select_for_update().filter(pk__in=list(paid)).order_by("pk")
              .values_list("pk", "patron_id", "debit_type_id", "amount", "amountoutstanding")}
    reduced = _reductions(list(locked))
    before = dict(RefundLine.objects.filter(refund__kind=Intake.Kind.REFUND,
                                            refund__payment_id=plan.refunded_id)
                  .values("debit_id").annotate(total=Sum("amount"))
                  .values_list("debit_id", "total"))
    return [
        PaidDebit(recipes.Refunded(pk, *locked[pk], reduced=reduced.get(pk, ZERO)),
                  paid=amount, refunded_before=before.get(pk, ZERO))
        for pk, amount in paid.items() if pk in locked
    ]


def _paid_by(credit_id: int) -> dict[int, Decimal]:
    """debit id → what the credit's APPLY offsets moved to it, in the order it paid them."""
    paid: dict[int, Decimal] = {}
    for debit_id, amount in (AccountOffset.objects.filter(
            credit_id=credit_id, type=AccountOffset.Type.APPLY, debit__isnull=False)
            .order_by("id").values_list("debit_id", "amount")):
        paid[debit_id] = paid.get(debit_id, ZERO) - amount
    return paid


def _reductions(debit_ids: list[int]) -> dict[int, Decimal]:
    """Koha's ``$debit->credits({credit_type_code => [DISCOUNT, REFUND]})->total``, negated:
    the credits linked to each debit by an offset, counted once per offset, as Koha's join
    counts them."""
    totals = defaultdict(lambda: ZERO)
    for debit_id, amount in (AccountOffset.objects.filter(
            debit_id__in=debit_ids, credit__credit_type_id__in=REDUCTIONS)
            .values_list("debit_id", "credit__amount")):
        totals[debit_id] -= amount
    return totals


def _allocate(plan: RefundPlan, paid: list[PaidDebit], now: datetime
              ) -> list[recipes.RefundRows]:
    """The amount asked (else all that is refundable), taken from the debits in the order the
    credit paid them, each as far as it is refundable; Koha's rows for each."""
    refundable = sum((debit.refundable for debit in paid), ZERO)
    amount = refundable if plan.amount is None else plan.amount
    if refundable == ZERO or amount > refundable:
        what = "Payment" if plan.kind == PAYMENT else "Sale"
        raise err.AmountExceedsRefundable(
            f"{what} {plan.refunded_id} has {exact(refundable)} left to refund"
            + ("." if plan.amount is None else f"; {exact(amount)} is more."),
            extra={"refundable": exact(refundable)})
    refund, rows, left = _refund_of(plan), [], amount
    for debit in paid:
        share = min(left, debit.refundable)
        if share > ZERO:
            rows.append(_rows(refund, debit.debit, share, now))
            left -= share
    return rows


def _rows(refund: recipes.Refund, debit: recipes.Refunded, amount: Decimal,
          now: datetime) -> recipes.RefundRows:
    try:
        return recipes.refund(refund, debit, amount, at=now)
    except recipes.CannotRefund as exc:  # a debit that still owes that much (a partial payment)
        raise err.RequiresKoha(
            f"Account line {debit.line_id} still owes {exact(debit.outstanding)}: Koha's reduce "
            f"would take a refund of {exact(amount)} off the debt instead of paying it out. "
            "Refund it in Koha.") from exc


def _refund_of(plan: RefundPlan) -> recipes.Refund:
    return recipes.Refund(manager_id=plan.staff_patron_id, library_id=plan.library_id,
                          interface=INTERFACE, payout_type=plan.payout_type,
                          register_id=plan.register_id, note=plan.note)


def _allocate_credit_numbers(plan: RefundPlan, count: int, now: datetime) -> list:
    if plan.credit_number_format is None:
        return [None] * count
    return allocate_credit_numbers(number_format=plan.credit_number_format,
                                   library_id=plan.library_id or "", now=now, count=count)


def _create_lines(rows: list[recipes.RefundRows]) -> None:
    """Each refund credit then its payout, debit after debit — Koha's order of inserts — in one
    INSERT; ids back by ``RETURNING``. Born outstanding (−a, +a) as Koha inserts them."""
    sql.insert([line for row in rows for line in (row.credit, row.payout)], return_ids=True)


def _create_offsets(rows: list[recipes.RefundRows]) -> list[AccountOffset]:
    """Per debit: the credit's CREATE (−a), its zero APPLY link to the debit, the payout's
    CREATE (+a), the credit's APPLY to the payout (−a) — one INSERT, rows by ``RETURNING``."""
    offsets = [offset for row in rows for offset in row.offsets()]
    sql.insert(offsets, return_rows=True)
    return offsets


def _mark_refunded(rows: list[recipes.RefundRows]) -> None:
    """``reduce``'s last step: every refunded debit's status REFUNDED."""
    sql.update_column(AccountLine, [row.debit.line_id for row in rows], "status",
                      recipes.REFUNDED)


def _settle(rows: list[recipes.RefundRows]) -> None:
    """``payout``'s ``apply``: every refund credit and payout at 0, in one UPDATE."""
    ids = [line.pk for row in rows for line in (row.credit, row.payout)]
    sql.update_column(AccountLine, ids, "amountoutstanding", ZERO)


def _mark_paid(rows: list[recipes.RefundRows]) -> None:
    """``payout``'s last step: every refund credit's status PAID."""
    sql.update_column(AccountLine, [row.credit.pk for row in rows], "status", recipes.PAID)


def _check_invariants(plan: RefundPlan, rows: list[recipes.RefundRows],
                      offsets: list[AccountOffset], balance_before: Decimal | None
                      ) -> dict[int, AccountLine]:
    """Re-read every line written or changed and prove the refund whole before committing (else
    a bug: 500); a patron's balance must be what it was — a refund credit and its payout cancel
    out — else a concurrent Koha write moved it (409). Returns the lines as stored, by id."""
    ids = [pk for row in rows for pk in (row.debit.line_id, row.credit.pk, row.payout.pk)]
    if plan.patron_id is None:
        lines, balance = AccountLine.objects.in_bulk(ids), None
    else:
        lines, balance = sql.written_lines(plan.patron_id, *ids)
    problems = refund_problems(plan, rows, lines, offsets)
    if problems:
        logger.error("refund invariant violated for credit %s: %s", plan.refunded_id,
                     "; ".join(problems))
        raise err.InvariantViolation(problems=problems)
    if balance != balance_before:
        logger.warning("patron %s balance went from %s to %s during a refund (a concurrent Koha "
                       "write); rolled back", plan.patron_id, balance_before, balance)
        raise err.ConcurrentChange()
    return lines


def _record_refund(plan: RefundPlan, rows: list[recipes.RefundRows], *, client: ApiClient,
                   idempotency_key: str | None, request_hash: str, body: dict) -> None:
    """kohapay's record, in the same transaction: the Intake (its unique key index is the
    idempotency guard) and the Koha lines of each debit refunded."""
    intake = Intake(client=client, kind=Intake.Kind.REFUND, idempotency_key=idempotency_key,
                    external_id=None, request_hash=request_hash, patron_id=plan.patron_id,
                    payment_id=plan.refunded_id, debit=None, response_status=201,
                    response_body=body)
    sql.insert([intake], return_ids=True)
    sql.insert([RefundLine(refund_id=intake.pk, debit_id=row.debit.line_id,
                           credit_id=row.credit.pk, payout_id=row.payout.pk, amount=row.amount)
                for row in rows])
