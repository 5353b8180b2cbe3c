"""A Koha staff login on kohapay: Koha's own checks of a userid and password, in Koha's order
(``C4::Auth::checkpw``), and the Django user that stands for the patron afterwards.

The checks, for the patron with this ``userid`` (Koha's login identifier; the card number is not
accepted):

1. the password, always, even for an account that will be refused: a bcrypt ``$2a$`` hash, or
   Koha's legacy MD5 only with ``KOHAPAY_KOHA_LEGACY_MD5``; ``!`` and NULL never match. With no
   account, no hash or an MD5 hash, one dummy bcrypt check is spent, so that the time taken does
   not tell whether the account exists;
2. a locked account (``FailedLoginAttempts`` reached, or ``login_attempts < 0``) is refused, and
   its counter left alone;
3. a wrong password adds one to ``login_attempts``, a right one resets it (``koha.identity
   .lockout``: the only writes kohapay makes to Koha's patron data);
4. then, as Koha: the ``AnonymousPatron`` and an expired password are refused; kohapay adds what
   it cannot do (a second factor Koha requires) and the dashboard's own permission
   (``VIEW_REGISTERS``).

Unknown user, wrong password, locked account and the anonymous patron get the same answer;
the other refusals are told only to someone who typed the right password (Koha tells them too).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import KohaStaffLink
from koha.identity import lockout, passwords, preferences, staff
from koha.identity.permissions import VIEW_REGISTERS, KohaPermissions
from koha.identity.preferences import IdentityPreferences
from koha.identity.staff import StaffMember

logger = logging.getLogger("kohapay.auth")

UNKNOWN = "unknown"
WRONG_PASSWORD = "wrong_password"
LOCKED = staff.LOCKED
ANONYMOUS = staff.ANONYMOUS
EXPIRED = staff.EXPIRED
TWO_FACTOR = staff.TWO_FACTOR
NO_PERMISSION = "no_permission"
DISABLED = "disabled"  # kohapay's user for this patron was deactivated (kohapay may narrow)
NAME_TAKEN = "name_taken"  # kohapay already has a user of the shadow user's name
# Refusals that must not tell an account that exists from one that does not.
SAME_ANSWER = frozenset({UNKNOWN, WRONG_PASSWORD, LOCKED, ANONYMOUS})


@dataclass(frozen=True)
class LoginCheck:
    member: StaffMember | None
    prefs: IdentityPreferences
    refusal: str | None


def koha_today() -> date:
    """Today in the library's zone: Koha compares ``password_expiration_date`` with it."""
    return timezone.now().astimezone(ZoneInfo(settings.KOHA_TIME_ZONE)).date()


def check(userid: str, password: str) -> LoginCheck:
    """Koha's answer to this userid and password, with the lockout counter updated as Koha
    updates it."""
    prefs = preferences.load()
    member = None if _is_database_user(userid) else staff.find(userid=userid)
    stored = member.password if member is not None else None
    if not (stored or "").startswith("$2"):
        passwords.spend_a_check(password)
    if member is None:
        return LoginCheck(None, prefs, UNKNOWN)
    right = passwords.matches(password, stored, legacy_md5=settings.KOHAPAY_KOHA_LEGACY_MD5)
    if member.locked(prefs):
        return LoginCheck(member, prefs, LOCKED)
    if not right:
        lockout.count_failure(member.borrowernumber)
        return LoginCheck(member, prefs, WRONG_PASSWORD)
    lockout.reset(member.borrowernumber)
    return LoginCheck(member, prefs, refusal_of(member, prefs))


def refusal_of(member: StaffMember, prefs: IdentityPreferences) -> str | None:
    """Why an account whose password is right may not use the dashboard (None: it may) — at
    login and at every session re-check."""
    reason = member.refusal(prefs, koha_today())
    if reason is None and not member.permissions.allows(VIEW_REGISTERS):
        return NO_PERMISSION
    return reason


def _is_database_user(userid: str) -> bool:
    """Koha never logs its database account in as a staff member; neither does kohapay (the
    same account, usually)."""
    return userid == (settings.DATABASES["default"].get("USER") or None)


# --- the Django user that stands for the patron --------------------------------------------------


def shadow_username(borrowernumber: int) -> str:
    return f"koha-{borrowernumber}"


def linked_user(member: StaffMember):
    """The patron's Django user, made at their first login; names, email and the admin flags
    copied from Koha each time. None if kohapay already has an unlinked user of that name."""
    link = _link_of(member.borrowernumber)
    if link is None:
        link = _link_new_user(member)
        if link is None:
            return None
    user, copied = link.user, _copied(member)
    changed = [name for name, value in copied.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, copied[name])
    if user.has_usable_password():  # given one in the admin: Koha's password is the only one
        user.set_unusable_password()
        changed.append("password")
    if changed:
        user.save(update_fields=changed)
    if link.userid != member.userid:
        link.userid = member.userid
        link.save(update_fields=["userid"])
    return user


def sync_admin_flags(user, permissions: KohaPermissions) -> None:
    """The Django admin is for superlibrarians: Koha decides, at each login and re-check."""
    flag = permissions.superlibrarian
    if user.is_staff != flag or user.is_superuser != flag:
        user.is_staff = user.is_superuser = flag
        user.save(update_fields=["is_staff", "is_superuser"])


def is_linked(user) -> bool:
    """Whether this Django user stands for a Koha patron (one query, only for the names
    ``linked_user`` gives)."""
    username = user.get_username()
    return username.startswith("koha-") and KohaStaffLink.objects.filter(user_id=user.pk).exists()


def _link_of(borrowernumber: int) -> KohaStaffLink | None:
    links = KohaStaffLink.objects.select_related("user")
    return links.filter(borrowernumber=borrowernumber).first()


def _copied(member: StaffMember) -> dict:
    superlibrarian = member.permissions.superlibrarian
    return {"first_name": (member.firstname or "")[:150], "last_name": (member.surname or "")[:150],
            "email": (member.email or "")[:254], "is_staff": superlibrarian,
            "is_superuser": superlibrarian}


def _link_new_user(member: StaffMember) -> KohaStaffLink | None:
    user = get_user_model()(username=shadow_username(member.borrowernumber), **_copied(member))
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
            return KohaStaffLink.objects.create(user=user, borrowernumber=member.borrowernumber,
                                                userid=member.userid or "")
    except IntegrityError:
        # The same patron's first login in another request linked it a moment ago — or kohapay
        # has a user of that name that is no Koha patron's (then: refused, never merged).
        return _link_of(member.borrowernumber)


def log_outcome(check_: LoginCheck, refusal: str | None) -> None:
    """One line per Koha login attempt: the patron's number and the outcome, never the typed
    userid (it may be a mistyped password) nor anything secret."""
    who = check_.member.borrowernumber if check_.member is not None else "-"
    logger.info("Koha staff login: patron %s %s", who, refusal or "logged in")
