"""What the intake service hands back to the API layer."""
from dataclasses import dataclass


@dataclass(frozen=True)
class IntakeResult:
    """The response of an intake: the original one (``replayed`` False) or the stored one of an
    earlier request with the same ``Idempotency-Key`` (``replayed`` True)."""

    status_code: int
    body: dict
    patron_id: int
    payment_id: int
    replayed: bool
