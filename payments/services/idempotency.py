"""Safe retries: the ``Idempotency-Key`` header, the request fingerprint, and what an earlier
intake of the same client means for a new request.

The guard itself is the database: ``kohapay_intake`` has unique indexes on (client,
idempotency_key) and (client, external_id), and the Intake row is inserted in the payment's own
transaction. The look-ups here only turn an existing row into the right answer (replay, 409, 422),
before the transaction and again after a concurrent duplicate lost the race on the index.
"""
import hashlib
import json
import re
from decimal import Decimal

from payments import exceptions as err
from payments import selectors
from payments.models import ApiClient, Intake
from payments.services.results import IntakeResult

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
    canonical = {"patron_id": patron_id}
    for name, value in data.items():
        canonical[name] = str(value) if isinstance(value, Decimal) else value
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def previous_intake(*, client: ApiClient, idempotency_key: str | None, external_id: str | None,
                    request_hash: str) -> IntakeResult | None:
    """The replay of an earlier intake with this key, None if there is none; raises
    ``IdempotencyKeyReused`` (same key, other request) or ``DuplicateExternalId``."""
    if idempotency_key is not None:
        intake = selectors.intake_by_idempotency_key(client, idempotency_key)
        if intake is not None:
            if intake.request_hash != request_hash:
                raise err.IdempotencyKeyReused()
            return replay(intake)
    if external_id is not None:
        intake = selectors.intake_by_external_id(client, external_id)
        if intake is not None:
            raise err.DuplicateExternalId(
                f"This client already recorded payment {intake.payment_id} with external_id "
                f"'{external_id}'.",
                extra={"payment_id": intake.payment_id},
            )
    return None


def replay(intake: Intake) -> IntakeResult:
    return IntakeResult(
        status_code=intake.response_status, body=intake.response_body,
        patron_id=intake.patron_id, payment_id=intake.payment_id, replayed=True,
    )
