"""``credit_number`` of a new credit — a PAYMENT, a sale's PURCHASE, a refund's REFUND — as Koha's
``Koha::Account::Line::store`` computes it from the ``AutoCreditNumber`` preference (spec §2.6),
when the credit's type has ``credit_number_enabled``:

- ``incremental``: 1 + the largest all-digit credit number;
- ``annual``: ``YYYY-NNNN``, from the largest number with this year's prefix;
- ``branchyyyymmincr``: ``<library>YYYYMMNNNN``, from the largest with this prefix.

Koha's MAX + 1 is a race: two credits created at once get the same number. kohapay closes it for
its own writes by locking the PAYMENT row of ``account_credit_types`` (SELECT … FOR UPDATE) in the
same statement that reads the maximum, so concurrent intakes allocate one after the other and
each sees the number the previous one committed (READ COMMITTED reads after the lock is granted).
The PAYMENT row whatever the type of the new credit: Koha's maximum is taken over every credit
number of every type, so every kohapay credit must queue on the same lock. It is always the last
lock a kohapay write takes (after the patron's and the lines'), so it adds no lock-order cycle.
Koha's own desk does not take that lock, so a Koha credit created in the same instant can still
collide — exactly as two Koha desks can today.
"""
import re
from datetime import datetime

from django.db.models import PositiveBigIntegerField, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from koha.models import AccountLine, CreditType

_LEADING_INTEGER = re.compile(r"\s*([+-]?[0-9]+)")


def allocate_credit_number(*, number_format: str, library_id: str, now: datetime) -> str:
    """Lock PAYMENT, read the current maximum, return the next number (one SQL statement)."""
    return allocate_credit_numbers(number_format=number_format, library_id=library_id, now=now,
                                   count=1)[0]


def allocate_credit_numbers(*, number_format: str, library_id: str, now: datetime,
                            count: int) -> list[str]:
    """The next ``count`` numbers, for credits inserted in this order (a refund of several
    debits makes a REFUND credit each): what Koha's ``store`` gives them one after the other."""
    local = timezone.localtime(now)  # Koha's dt_from_string: the year/month in Koha's zone
    if number_format == "incremental":
        last = _locked_maximum(_incremental_candidates()) or 0
        return [str(last + n) for n in range(1, count + 1)]
    if number_format == "annual":
        prefix = f"{local.year}-"
    else:
        prefix = f"{library_id}{local.year}{local.month:02d}"
    last = _locked_maximum(_prefixed_candidates(prefix)) or f"{prefix}0000"
    start = _perl_integer(last[len(prefix):])
    return [f"{prefix}{start + n:04d}" for n in range(1, count + 1)]


def _locked_maximum(candidates: Subquery):
    return (
        CreditType.objects.select_for_update()
        .filter(code="PAYMENT")
        .annotate(last=candidates)
        .values_list("last", flat=True)
        .first()
    )


def _incremental_candidates() -> Subquery:
    numbers = (
        AccountLine.objects.filter(credit_number__regex=r"^[0-9]+$")
        .annotate(number=Cast("credit_number", PositiveBigIntegerField()))
        .order_by("-number")
        .values("number")[:1]
    )
    return Subquery(numbers)


def _prefixed_candidates(prefix: str) -> Subquery:
    numbers = (
        # Koha: credit_number REGEXP '[0-9]{4}$' AND credit_number LIKE '<prefix>%'
        AccountLine.objects.filter(credit_number__regex=r"[0-9]{4}$",
                                   credit_number__istartswith=prefix)
        .order_by("-credit_number")
        .values("credit_number")[:1]
    )
    return Subquery(numbers)


def _perl_integer(text: str) -> int:
    """Perl's numification, as Koha's ``$incr + 1`` does it: the leading integer, else 0."""
    match = _LEADING_INTEGER.match(text)
    return int(match.group(1)) if match else 0
