"""Koha's account lockout (``Koha::Patron::account_locked``) and the two counter updates of a
login attempt — the only writes kohapay makes to Koha's patron data.

A wrong password adds one to ``borrowers.login_attempts`` (whatever ``FailedLoginAttempts``
says), a right one resets it to 0; a locked account is refused before its password is looked at
and its counter is left alone. ``login_attempts < 0`` is an administrator's lock
(``Koha::Patron->lock``): neither update may touch it, so each is one conditional UPDATE, atomic
under concurrent attempts (Koha reads, adds and writes back; two wrong passwords at once could
count once there — here they count twice).
"""
from django.db.models import F

from koha.models import Patron


def is_locked(login_attempts: int | None, failed_login_attempts: str) -> bool:
    """Koha's rule: a positive ``FailedLoginAttempts`` reached, or an administrative lock (< 0).
    The preference is read as Perl reads it: a true string, compared as the number it starts with."""
    attempts = login_attempts or 0
    if attempts < 0:
        return True
    limit = failed_login_attempts.strip()
    if limit in {"", "0"}:
        return False
    digits = ""
    for char in limit:
        if not char.isdigit():
            break
        digits += char
    return attempts > 0 and attempts >= int(digits or 0)


def count_failure(borrowernumber: int) -> None:
    Patron.objects.filter(pk=borrowernumber, login_attempts__gte=0).update(
        login_attempts=F("login_attempts") + 1)


def reset(borrowernumber: int) -> None:
    Patron.objects.filter(pk=borrowernumber, login_attempts__gt=0).update(login_attempts=0)
