"""Safe retries: the ``Idempotency-Key`` header, the request fingerprint, and what an earlier
intake of the same client means for a new request.

The guard itself is the database: ``kohapay_intake`` has unique indexes on (client,
idempotency_key) and (client, external_id), and the Intake row is inserted in the payment's own
transaction. The look-ups here only turn an existing row into the right answer (replay, 409, 422):
for a charge only after its INSERT or a rule refused (``write_once``), for the other payments
before the transaction too.
"""
import hashlib
import json
import logging
import re
from collections.abc import Callable
from decimal import Decimal

from django.db import IntegrityError, OperationalError

from payments import exceptions as err
from payments import selectors
from payments.models import ApiClient, Intake
from payments.services.results import IntakeResult

logger = logging.getLogger("kohapay.intake")

# 1–255 visible ASCII characters (0x21–0x7E): no spaces, no control or non-ASCII characters.
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")


def validate_idempotency_key(header: str | None) -> str | None:
    """The key from the ``Idempotency-Key`` header (None when absent), or InvalidIdempotencyKey."""
    if header is None:
        return None
    if not IDEMPOTENCY_KEY.fullmatch(header):
        raise err.InvalidIdempotencyKey()
    return header


def request_hash(patron_id: int, data: dict) -> str:
    """SHA-256 of the canonical request: the patron and the *validated* body (defaults filled in,
    amount in its exact shortest form), so ``2.5`` and ``"2.50"`` are the same request."""
    return fingerprint({"patron_id": patron_id}, data)


def fingerprint(target: dict, data: dict) -> str:
    """SHA-256 of what a request is about (``target``: the path's ids — for a sale or a refund
    also the kind of request, so that no two routes ever share one) and its validated body;
    Decimals, at any depth, in their exact shortest form."""
    canonical = {**target, **data}
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      default=_exact)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _exact(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} has no canonical form")


def previous_intake(*, client: ApiClient, idempotency_key: str | None, external_id: str | None,
                    request_hash: str) -> IntakeResult | None:
    """The replay of an earlier intake with this key, None if there is none; raises
    ``IdempotencyKeyReused`` (same key, other request) or ``DuplicateExternalId``."""
    found = selectors.intakes_by_key_or_external_id(client, idempotency_key, external_id)
    # The key decides first: a retry of a request that carried both is a replay, not a duplicate.
    by_key = _with(found, "idempotency_key", idempotency_key)
    if by_key is not None:
        if by_key.request_hash != request_hash:
            raise err.IdempotencyKeyReused()
        return replay(by_key)
    by_reference = _with(found, "external_id", external_id)
    if by_reference is not None:
        # external_id is unique per client across payments and sales: say which one holds it.
        what = "sale" if by_reference.kind == Intake.Kind.SALE else "payment"
        raise err.DuplicateExternalId(
            f"This client already recorded {what} {by_reference.payment_id} with external_id "
            f"'{external_id}'.",
            extra={f"{what}_id": by_reference.payment_id},
        )
    return None


def _with(intakes: list[Intake], field: str, value: str | None) -> Intake | None:
    if value is None:
        return None
    return next((intake for intake in intakes if getattr(intake, field) == value), None)


def replay(intake: Intake) -> IntakeResult:
    return IntakeResult(
        status_code=intake.response_status, body=intake.response_body,
        patron_id=intake.patron_id, payment_id=intake.payment_id, replayed=True,
    )


# InnoDB's answers to two writers waiting on each other's rows: a deadlock (it rolled our
# transaction back) and a lock wait timeout (our atomic block rolls back the rest).
LOCK_CONFLICTS = frozenset({1213, 1205})


def write_once(write: Callable[[], IntakeResult], *, guard: dict,
               patron_id: int) -> IntakeResult:
    """Run a payment's durable write; when it loses a race, answer as if it had come second.

    ``IntegrityError`` comes from the Intake INSERT when a concurrent twin committed first (the
    unique index made us wait for it), or from Koha's foreign keys when a row vanished
    meanwhile; a deadlock or lock wait timeout from a Koha desk writing the same rows. A
    refusal raised inside the write (a debit already paid, an amount now above what is owed)
    may also be a twin's doing: it waited on the patron's lock while the twin paid. The durable
    block has rolled everything back each time: the twin's answer if there is one, else the
    refusal — for the database's errors 409 ``concurrent_change``, safe to retry.

    The charge path (``services.intake``) looks for no earlier intake before it writes: a plain
    retry of a recorded request reaches here the same way (the unique index refuses its
    INSERT, or a rule now refuses it) and gets its replay, its 422 or its 409 from
    ``previous_intake``, exactly as from a look-up first."""
    try:
        return write()
    except err.PaymentError:
        earlier = _twin(guard, patron_id)
        if earlier is not None:
            return earlier
        raise
    except (IntegrityError, OperationalError) as exc:
        if isinstance(exc, OperationalError) and not _lock_conflict(exc):
            raise  # the database itself failed (core.errors: 503)
        earlier = _twin(guard, patron_id)
        if earlier is not None:
            return earlier
        raise err.ConcurrentChange(headers={"Retry-After": "1"}) from None


def _twin(guard: dict, patron_id: int) -> IntakeResult | None:
    """The answer of a concurrent twin that committed first (or its 409/422), if any."""
    earlier = previous_intake(**guard)
    if earlier is not None:
        logger.info("intake for patron %s lost the race to a concurrent twin; answering with "
                    "the winner's", patron_id)
    return earlier


def _lock_conflict(exc: OperationalError) -> bool:
    return bool(exc.args) and exc.args[0] in LOCK_CONFLICTS
