"""Koha staff sessions: kohapay's own Django sessions, held to what Koha's ``check_cookie_auth``
holds its own sessions to, and a little more.

A Koha login (``core.backends``) stores in its session what Koha said at login: the patron's
number and userid, a keyed digest of their password hash (never the hash), their permissions and
the libraries whose registers they see. On every request ``KohaStaffSessionMiddleware``

- ends the session after Koha's ``timeout`` preference without activity (sliding, measured to
  the re-check below; the session's row lives as long: ``core.sessions``);
- at least every ``KOHAPAY_KOHA_RECHECK_SECONDS`` (60) asks Koha again: the patron still exists
  with the same userid, the same password, not locked, password not expired, the dashboard's
  permission still held (Koha re-checks the userid, expiry and permission on every request; it
  does not re-check a lock or a changed password — kohapay does, within a minute);
- else attaches the stored answer to the request's user as ``user.koha`` (a ``KohaAccess``),
  which ``registers.access`` reads: no query between re-checks.

An ended session is logged out; a page then redirects to the login page, which says why.
"""
from __future__ import annotations

import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url

from core import backends, staff_login
from core.errors import API_PREFIX
from koha.identity import passwords, preferences, staff
from koha.identity.libraries import dashboard_libraries
from koha.identity.permissions import KohaPermissions
from koha.identity.preferences import IdentityPreferences
from koha.identity.staff import StaffMember

SESSION_KEY = "koha_staff"

TIMED_OUT = "timed_out"
GONE = "gone"
RENAMED = "renamed"
PASSWORD_CHANGED = "password_changed"
LOGINS_OFF = "logins_off"
INCOMPLETE = "incomplete"
ENDED = {
    TIMED_OUT: "Your session ended after {idle} without activity (Koha's timeout). Log in again.",
    GONE: "Your Koha account no longer exists. Your session has ended.",
    RENAMED: "Your Koha username has changed. Log in again with the new one.",
    PASSWORD_CHANGED: "Your password was changed in Koha. Log in again with the new one.",
    staff_login.LOCKED: "Your Koha account is locked. Your session has ended.",
    staff_login.ANONYMOUS: "This Koha account may not log in. Your session has ended.",
    staff_login.EXPIRED: "Your Koha password has expired: change it in Koha, then log in again.",
    staff_login.TWO_FACTOR: "Koha now requires two-factor authentication for your account, which "
                            "kohapay cannot check. Your session has ended.",
    staff_login.NO_PERMISSION: "Your Koha account no longer has the permission to see cash "
                               "registers. Your session has ended.",
    staff_login.DISABLED: "Your kohapay account has been disabled. Your session has ended.",
    LOGINS_OFF: "Koha staff logins have been turned off on this kohapay. Your session has ended.",
    INCOMPLETE: "Your session has ended. Log in again.",
}


@dataclass(frozen=True)
class KohaAccess:
    """What a Koha staff member may do, as Koha said at the session's last check."""

    borrowernumber: int
    userid: str
    branchcode: str
    permissions: KohaPermissions
    libraries: frozenset[str] | None  # whose registers they see; None: every library

    @classmethod
    def of(cls, state: dict) -> KohaAccess:
        modules = dict(state["permissions"])  # Koha's shape: 1, or {code: 1}
        libraries = state["libraries"]
        return cls(state["borrowernumber"], state["userid"], state["branchcode"],
                   KohaPermissions(modules), None if libraries is None else frozenset(libraries))


def fingerprint_key() -> str:
    return hmac.new(settings.SECRET_KEY.encode(), b"kohapay koha-password fingerprint",
                    "sha256").hexdigest()


def session_state(member: StaffMember, prefs: IdentityPreferences, now: float) -> dict:
    """What the session keeps of Koha's answer (JSON: Django's session serializer)."""
    libraries = dashboard_libraries(member.permissions, member.branchcode, prefs)
    granted = {name: value for name, value in member.permissions.modules.items() if value}
    return {
        "borrowernumber": member.borrowernumber, "userid": member.userid,
        "branchcode": member.branchcode,
        "fingerprint": passwords.fingerprint(member.password, fingerprint_key()),
        "permissions": granted, "libraries": None if libraries is None else sorted(libraries),
        "timeout": prefs.timeout_seconds, "checked": now, "seen": now,
    }


def begin(request, user) -> None:
    """After ``login()`` of a user ``core.backends`` authenticated: the session's Koha state."""
    checked = user.koha_login
    request.session[SESSION_KEY] = session_state(checked.member, checked.prefs, time.time())


def recheck(request, state: dict, now: float) -> str | None:
    """Koha's answer now (three queries: the patron, its permissions, the preferences); None,
    with the session's state renewed, if the session may go on, else why it may not."""
    if not settings.KOHAPAY_KOHA_LOGIN:
        return LOGINS_OFF
    member = staff.find(borrowernumber=state["borrowernumber"])
    if member is None:
        return GONE
    if member.userid != state["userid"]:
        return RENAMED
    now_print = passwords.fingerprint(member.password, fingerprint_key())
    if not hmac.compare_digest(now_print, state["fingerprint"]):
        return PASSWORD_CHANGED
    prefs = preferences.load()
    reason = staff_login.refusal_of(member, prefs)
    if reason is not None:
        return reason
    staff_login.sync_admin_flags(request.user, member.permissions)
    request.session[SESSION_KEY] = session_state(member, prefs, now)
    return None


def end(request, reason: str, state: dict | None = None):
    """Log out; a page is sent to the login page, which says why. An API call or a POST goes on
    as anonymous (a 401, or the logout it asked for)."""
    logout(request)
    page = not request.path.startswith(API_PREFIX)
    if page:
        idle = _duration((state or {}).get("timeout", 0))
        messages.warning(request, ENDED[reason].format(idle=idle), fail_silently=True)
    at_login = request.path == resolve_url(settings.LOGIN_URL)
    if page and request.method in ("GET", "HEAD") and not at_login:
        return redirect_to_login(request.get_full_path())
    return None


def _duration(seconds: int) -> str:
    if seconds >= 7200 and seconds % 3600 == 0:
        return f"{seconds // 3600} hours"
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class KohaStaffSessionMiddleware:
    """After Django's authentication and messages middleware (settings ``MIDDLEWARE``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ended = self.check(request)
        return ended if ended is not None else self.get_response(request)

    def check(self, request):
        state = request.session.get(SESSION_KEY)
        if state is None:
            if request.session.get(BACKEND_SESSION_KEY) == backends.PATH:
                return end(request, INCOMPLETE)  # logged in without its Koha state: never trusted
            return None
        if not request.user.is_authenticated:
            return end(request, staff_login.DISABLED, state)
        now = time.time()
        if now - state["seen"] > state["timeout"]:
            return end(request, TIMED_OUT, state)
        if now - state["checked"] >= settings.KOHAPAY_KOHA_RECHECK_SECONDS:
            reason = recheck(request, state, now)
            if reason is not None:
                return end(request, reason, state)
        request.user.koha = KohaAccess.of(request.session[SESSION_KEY])
        return None
