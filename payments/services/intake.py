"""The atomic intake of a charge and its payment: one of the two paths that write a payment into
Koha's tables (the other, ``services.pay``, pays debits the patron already owes).

``record_payment`` checks the request (``rules``), then writes, in one durable transaction, exactly
what Koha's ``add_debit`` followed by ``pay`` write (spec §3.6; the rows come from
``koha.recipes.charge_and_pay``) plus kohapay's own Intake record:

    _lock_patron (and the register's share lock) → [_allocate_credit_number] → _settle → _create_lines
    → _create_offsets → _record_statistics → [_log_fines] → _check_invariants → _record_intake

Each writing step is one statement, written by ``payments.sql`` from the recipe's model
instances (the ORM compiled the same statements on every intake, 25 % of its time:
docs/performance.md); the lines are born settled and come back by ``RETURNING``, and the last
INSERT reads the balance back, so an intake is 6 statements inside the transaction (7 with a
credit number, 5 without FinesLog; as many without a register).
Any exception — a rule, a database error, a failed invariant — escapes the ``atomic`` block and
rolls everything back: no row is ever left half-written.
"""
import logging
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from koha import recipes
from koha.identity.api_keys import KeyOwner
from koha.models import AccountLine, AccountOffset
from payments import exceptions as err
from payments import sql
from payments.models import ApiClient, Intake
from payments.responses import intake_response_body
from payments.services.credit_numbers import allocate_credit_number
from payments.services.idempotency import write_once
from payments.services.ledger import ZERO, ledger_problems
from payments.services.results import IntakeResult
from payments.services.rules import IntakePlan, plan_intake

logger = logging.getLogger("kohapay.intake")

INTERFACE = "api"  # C4::Context->interface of Koha's REST API (spec §2.4)


def record_payment(*, client: ApiClient, patron_id: int, debit_type: str, amount: Decimal,
                   payment_type: str, register_id: int | None = None,
                   library_id: str | None = None, description: str = "", note: str = "",
                   external_id: str | None = None, idempotency_key: str | None = None,
                   request_hash: str, owner: KeyOwner | None = None) -> IntakeResult:
    """Record a charge and its payment for a patron, or replay the earlier answer to the same
    request (found when the write or a rule refuses: ``write_once``). Raises a ``PaymentError``
    for every refusal; writes nothing unless it succeeds.
    ``owner``: the staff patron a Koha API key acts as (None for kohapay's own clients)."""
    guard = {"client": client, "idempotency_key": idempotency_key, "external_id": external_id,
             "request_hash": request_hash}

    def plan_and_write() -> IntakeResult:
        plan = plan_intake(
            client=client, owner=owner, patron_id=patron_id, debit_type=debit_type,
            amount=amount, payment_type=payment_type, register_id=register_id,
            library_id=library_id, description=description, note=note,
        )
        return _write(plan, **guard)

    # No look-up of an earlier intake first: the unique indexes of ``kohapay_intake`` answer on
    # the INSERT, and ``write_once`` reads the earlier intake only when the write or a rule
    # refused (a replay, a reused key, a used external_id — the same answers, in the same
    # order of precedence, as a look-up first; docs/performance.md, "Issue 18").
    return write_once(plan_and_write, guard=guard, patron_id=patron_id)


def _write(plan: IntakePlan, *, client: ApiClient, idempotency_key: str | None,
           external_id: str | None, request_hash: str) -> IntakeResult:
    with transaction.atomic(durable=True):
        balance_before = _lock_patron(plan.patron_id, plan.register_id)
        # After the lock, which may have waited: the time the rows are really written.
        now = timezone.now().replace(microsecond=0)  # MariaDB `timestamp` keeps whole seconds
        credit_number = _allocate_credit_number(plan, now)
        rows = recipes.charge_and_pay(_charge_and_pay(plan, credit_number), at=now)
        _settle(rows.debit, rows.credit)
        debit, credit = _create_lines(rows)
        offsets = _create_offsets(rows)
        _record_statistics(rows)
        _log_fines(rows)
        debit, credit = _check_invariants(plan, debit, credit, offsets)
        # The balance after is the balance before: the two lines are proven settled, and
        # _record_intake proves that nothing else moved it (else it rolls everything back).
        body = intake_response_body(
            patron_id=plan.patron_id, external_id=external_id, balance=balance_before,
            debit=debit, credit=credit, offsets=offsets,
        )
        _record_intake(plan, client=client, idempotency_key=idempotency_key,
                       external_id=external_id, request_hash=request_hash,
                       debit=debit, credit=credit, body=body, balance_before=balance_before)
    return IntakeResult(status_code=201, body=body, patron_id=plan.patron_id,
                        payment_id=credit.pk, replayed=False)


def _lock_patron(patron_id: int, register_id: int | None = None) -> Decimal:
    """Lock the patron's ``borrowers`` row and read the balance before the intake; with a
    register, hold it too (``hold_register``'s lock, in the same statement).

    The race it closes: two intakes for one patron (two kiosks, or a retry racing its original)
    would otherwise interleave, and each would see the other's lines in its balance check. With
    the lock they run one after the other, and the balance read here (after the lock is granted,
    READ COMMITTED) already includes whatever the previous one committed. Koha's own desk does
    not take this lock: a desk write for the same patron committing in the few milliseconds of an
    intake makes ``_check_invariants`` refuse it — rolled back, logged, safe to retry.
    """
    balance = sql.lock_patron(patron_id, register_id)
    if balance is None:  # deleted since the rules were checked
        raise err.PatronNotFound()
    return balance


def hold_register(register_id: int | None) -> None:
    """Share the register's row before the lines are dated: a cashup of the register (which
    locks it FOR UPDATE) then either closes its session after this payment committed, or waits
    and dates itself first — the payment is in exactly one session (``services.cashups``).
    Order: patron, then register; a cashup locks no patron, so no cycle."""
    if register_id is not None:
        sql.share_register(register_id)


def _allocate_credit_number(plan: IntakePlan, now: datetime) -> str | None:
    if plan.credit_number_format is None:
        return None
    return allocate_credit_number(
        number_format=plan.credit_number_format, library_id=plan.library_id, now=now
    )


def _charge_and_pay(plan: IntakePlan, credit_number: str | None) -> recipes.ChargeAndPay:
    return recipes.ChargeAndPay(
        patron_id=plan.patron_id, manager_id=plan.staff_patron_id, library_id=plan.library_id,
        interface=INTERFACE, debit_type=plan.debit_type, amount=plan.amount,
        payment_type=plan.payment_type, register_id=plan.register_id,
        description=plan.description, note=plan.note, credit_number=credit_number,
        fines_log=plan.fines_log,
    )


def _settle(debit: AccountLine, credit: AccountLine) -> None:
    """What ``apply`` leaves: both lines fully outstanding-free. Koha inserts them outstanding
    (A and −A) and then updates both to 0 in the same transaction; the committed rows are the
    same when they are born settled (``timestamp``: MariaDB stamps the insert as it stamped the
    update, within the transaction), and it saves an UPDATE. ``_check_invariants`` then proves
    it on the rows as stored."""
    debit.amountoutstanding = credit.amountoutstanding = ZERO


def _create_lines(rows: recipes.ChargeAndPayRows) -> tuple[AccountLine, AccountLine]:
    """The debit and the PAYMENT credit, in one INSERT; every column comes back as stored by
    ``RETURNING`` (ids, ``timestamp``, the amounts as the columns keep them), so the invariant
    check reads the rows without a second statement."""
    sql.insert([rows.debit, rows.credit], return_rows=True)
    return rows.debit, rows.credit


def _create_offsets(rows: recipes.ChargeAndPayRows) -> list[AccountOffset]:
    """CREATE, CREATE, APPLY in one INSERT; ids and ``created_on`` come back by ``RETURNING``
    (the response lists them). No other writer can have offsets on our lines yet: they are
    uncommitted."""
    offsets = rows.offsets()
    sql.insert(offsets, return_rows=True)
    return offsets


def _record_statistics(rows: recipes.ChargeAndPayRows) -> None:
    sql.insert([rows.statistic])


def _log_fines(rows: recipes.ChargeAndPayRows) -> None:
    if rows.logs:
        sql.insert(rows.logs)


def _check_invariants(plan: IntakePlan, debit: AccountLine, credit: AccountLine,
                      offsets: list[AccountOffset]) -> tuple[AccountLine, AccountLine]:
    """Prove the ledger is whole before committing, on the rows as stored (``RETURNING``): the
    APPLY offsets link the credit to the debit and sum to −A, both lines are outstanding 0 (else
    a bug: 500). The patron's balance is proven unchanged by ``_record_intake``, the last
    statement before the commit."""
    problems = ledger_problems(plan.amount, debit, credit, offsets)
    if problems:
        logger.error("intake invariant violated for patron %s: %s", plan.patron_id,
                     "; ".join(problems))
        raise err.InvariantViolation(problems=problems)
    return debit, credit


def _record_intake(plan: IntakePlan, *, client: ApiClient, idempotency_key: str | None,
                   external_id: str | None, request_hash: str, debit: AccountLine,
                   credit: AccountLine, body: dict, balance_before: Decimal) -> None:
    """kohapay's record, in the same transaction. Its unique indexes are the idempotency guard:
    a concurrent twin blocks here until the first commits, then fails and rolls back.

    The same statement reads the patron's balance (``RETURNING``): our two lines are settled, so
    they add 0 to it; if it is not what it was under the lock, another writer moved it (Koha's
    desk takes no lock on the patron). Not a bug, a race — refuse, roll back, and let the client
    retry with the same key."""
    balance = sql.insert_returning_balance(Intake(
        client=client, idempotency_key=idempotency_key, external_id=external_id,
        request_hash=request_hash, patron_id=plan.patron_id, payment_id=credit.pk,
        debit_id=debit.pk, response_status=201, response_body=body,
    ), patron_id=plan.patron_id)
    if balance != balance_before:
        logger.warning("patron %s balance went from %s to %s during the intake (a concurrent "
                       "Koha write); rolled back", plan.patron_id, balance_before, balance)
        raise err.ConcurrentChange()
