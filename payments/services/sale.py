"""A point-of-sale sale without a patron (Koha's bug 42784): the third path that writes into
Koha's ledger, beside a charge's intake and a payment of existing debits.

``record_sale`` checks the request (``sale_rules``), then writes, in one durable transaction,
exactly what ``Koha::Charges::Sales::purchase`` writes (spec §7.2, §10.5; the rows come from
``koha.recipes.sale``) plus kohapay's Intake record of kind ``sale``:

    [_allocate_credit_number] → _settle → _create_lines → _create_offsets → _check_invariants
    → _record_intake

The lines are born settled and come back by ``RETURNING``, as a charge's (``services.intake``):
a sale is 4 statements inside its transaction (5 with a credit number).

No row is locked: a sale creates all its lines and touches no existing one, and has no patron
whose balance could move under it. A twin of the same request (same Idempotency-Key or
external_id) waits on the Intake's unique index until the first commits, then fails, rolls
back and answers with the first's sale (``write_once``); a retry of a recorded sale is refused
the same way (no look-up first), and so answered. The PURCHASE's credit number, when
Koha numbers PURCHASE credits, is allocated under the one lock every kohapay credit number takes.
Each write is one statement of ``payments.sql``, as for a charge.
"""
import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from koha import recipes
from koha.identity.api_keys import KeyOwner
from koha.models import AccountLine, AccountOffset
from payments import exceptions as err
from payments import sql
from payments.models import ApiClient, Intake
from payments.sales.responses import sale_response_body
from payments.services.credit_numbers import allocate_credit_number
from payments.services.idempotency import write_once
from payments.services.intake import hold_register
from payments.services.results import IntakeResult
from payments.services.sale_rules import SalePlan, plan_sale
from payments.services.till_ledger import sale_problems

logger = logging.getLogger("kohapay.intake")

# C4::Context->interface of Koha's REST API (spec §2.4); pos/pay.pl's is intranet.
INTERFACE = "api"


def record_sale(*, client: ApiClient, register_id: int, payment_type: str, items: list[dict],
                external_id: str | None = None, idempotency_key: str | None = None,
                request_hash: str, owner: KeyOwner | None = None) -> IntakeResult:
    """Record a sale of ``items`` (each ``debit_type``, ``price``, ``quantity``) paid with
    ``payment_type`` at ``register_id``, or replay the earlier answer to the same request.
    Raises a ``PaymentError`` for every refusal; writes nothing unless it succeeds."""
    guard = {"client": client, "idempotency_key": idempotency_key, "external_id": external_id,
             "request_hash": request_hash}

    def plan_and_write() -> IntakeResult:
        plan = plan_sale(client=client, owner=owner, register_id=register_id,
                         payment_type=payment_type, items=items)
        return _write(plan, **guard)

    # No look-up of an earlier intake first, as for a charge (services.intake): the unique
    # indexes of ``kohapay_intake`` refuse a retry's INSERT, or a rule now refuses it, and
    # ``write_once`` then answers with the replay, the 422 or the 409, in the same order.
    return write_once(plan_and_write, guard=guard, patron_id=None)


def _write(plan: SalePlan, *, client: ApiClient, idempotency_key: str | None,
           external_id: str | None, request_hash: str) -> IntakeResult:
    with transaction.atomic(durable=True):
        hold_register(plan.register_id)  # the cashup's lock: the sale lands in one session
        now = timezone.now().replace(microsecond=0)  # MariaDB `timestamp` keeps whole seconds
        credit_number = _allocate_credit_number(plan, now)
        rows = recipes.sale(_purchase(plan, credit_number), at=now)
        _settle(rows)
        _create_lines(rows)
        offsets = _create_offsets(rows)
        debits, credit = _check_invariants(plan, rows, offsets)
        body = sale_response_body(plan=plan, external_id=external_id, credit=credit,
                                  debits=debits, offsets=offsets)
        _record_intake(client=client, idempotency_key=idempotency_key, external_id=external_id,
                       request_hash=request_hash, credit=credit, body=body)
    return IntakeResult(status_code=201, body=body, patron_id=None, payment_id=credit.pk,
                        replayed=False)


def _allocate_credit_number(plan: SalePlan, now: datetime) -> str | None:
    if plan.credit_number_format is None:
        return None
    return allocate_credit_number(number_format=plan.credit_number_format,
                                  library_id=plan.library_id, now=now)


def _purchase(plan: SalePlan, credit_number: str | None) -> recipes.Sale:
    return recipes.Sale(
        manager_id=plan.staff_patron_id, library_id=plan.library_id,
        register_id=plan.register_id, payment_type=plan.payment_type, interface=INTERFACE,
        items=plan.items, credit_number=credit_number,
    )


def _create_lines(rows: recipes.SaleRows) -> None:
    """Every item's debit, then the PURCHASE credit, in one INSERT: ids in Koha's order (the
    debits first); every column comes back as stored by ``RETURNING`` (ids, ``timestamp``, the
    amounts as the columns keep them), so the invariant check reads the rows without a second
    statement."""
    sql.insert([*rows.debits, rows.credit], return_rows=True)


def _create_offsets(rows: recipes.SaleRows) -> list[AccountOffset]:
    """Each debit's CREATE (+amount), the credit's CREATE (−total: Sales.pm's sign), an APPLY
    per debit (−amount), in one INSERT; rows back by ``RETURNING``."""
    offsets = rows.offsets()
    sql.insert(offsets, return_rows=True)
    return offsets


def _settle(rows: recipes.SaleRows) -> None:
    """What ``apply`` leaves: every line of the sale at 0. Koha inserts them outstanding and
    updates them to 0 in the same transaction; the committed rows are the same when they are
    born settled (``timestamp``: MariaDB stamps the insert as it stamped the update, within the
    transaction), and it saves an UPDATE — as a charge does (``services.intake._settle``).
    ``_check_invariants`` then proves it on the rows as stored."""
    rows.settle()


def _check_invariants(plan: SalePlan, rows: recipes.SaleRows, offsets: list[AccountOffset]):
    """Prove the sale whole before committing, on the lines as stored (``RETURNING``), else a
    bug (500): each debit is its item's amount and at 0, without patron or register; the credit
    is −total, at 0, on the register; the APPLY offsets pay each debit in full. Returns the
    lines as stored."""
    debits, credit = rows.debits, rows.credit
    problems = sale_problems(plan, debits, credit, offsets)
    if problems:
        logger.error("sale invariant violated at register %s: %s", plan.register_id,
                     "; ".join(problems))
        raise err.InvariantViolation(problems=problems)
    return debits, credit


def _record_intake(*, client: ApiClient, idempotency_key: str | None, external_id: str | None,
                   request_hash: str, credit: AccountLine, body: dict) -> None:
    """kohapay's record, in the same transaction; its unique indexes are the idempotency guard
    (a concurrent twin blocks here until the first commits, then fails and rolls back)."""
    sql.insert([Intake(
        client=client, kind=Intake.Kind.SALE, idempotency_key=idempotency_key,
        external_id=external_id, request_hash=request_hash, patron_id=None,
        payment_id=credit.pk, debit=None, response_status=201, response_body=body,
    )])
