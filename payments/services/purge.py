"""Expiry of idempotency keys (``KOHAPAY_IDEMPOTENCY_DAYS``, default 30).

Decision: an expired intake *forgets its key* (``idempotency_key`` set to NULL) but the row stays.
The row is kohapay's audit link between a client's request and the Koha lines it produced: the
payment stays readable by its client (GET by id, lookup by ``external_id``) and ``external_id``
keeps refusing duplicates for ever. Only the key's promise ("a retry replays") ends; after it, the
same key records a new payment.
"""
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from payments.models import Intake, KohaKeyToken


def purge_idempotency_keys(*, days: int | None = None, now=None) -> int:
    """Forget the keys of intakes older than ``days``; returns how many were forgotten."""
    days = settings.KOHAPAY_IDEMPOTENCY_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return (
        Intake.objects.filter(created_at__lt=cutoff, idempotency_key__isnull=False)
        .update(idempotency_key=None)
    )


def purge_expired_key_tokens(*, now=None) -> int:
    """Delete Koha API keys' expired tokens (a key's next token drops its own; this catches the
    keys that stopped asking). Returns how many were deleted."""
    deleted, _ = KohaKeyToken.objects.filter(expires__lte=now or timezone.now()).delete()
    return deleted
