"""A Koha patron as a staff identity: what a login, a session re-check and an API key's owner
check read about them, in one place, and Koha's reasons for refusing them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from koha.identity import lockout
from koha.identity.permissions import KohaPermissions, for_patron
from koha.identity.preferences import IdentityPreferences
from koha.models import Patron

FIELDS = ("borrowernumber", "userid", "cardnumber", "firstname", "surname", "email",
          "library_id", "flags", "password", "login_attempts", "password_expiration_date",
          "auth_method")

# Why Koha would refuse this account, whatever its password.
LOCKED = "locked"
ANONYMOUS = "anonymous"
EXPIRED = "password_expired"
TWO_FACTOR = "two_factor_required"


@dataclass(frozen=True)
class StaffMember:
    borrowernumber: int
    userid: str | None
    cardnumber: str | None
    firstname: str | None
    surname: str | None
    email: str | None
    branchcode: str
    password: str | None  # Koha's stored hash; never shown, never logged
    login_attempts: int
    password_expiration_date: date | None
    auth_method: str
    permissions: KohaPermissions

    def refusal(self, prefs: IdentityPreferences, today: date) -> str | None:
        """Koha's reason to refuse this account even with the right password: locked
        (``account_locked``), the ``AnonymousPatron``, an expired password
        (``password_expired``: the date is today or earlier), or a second factor kohapay
        cannot ask for (``TwoFactorAuthentication`` enforced, or enabled for this account)."""
        if self.locked(prefs):
            return LOCKED
        if prefs.anonymous_patron == self.borrowernumber:
            return ANONYMOUS
        if self.password_expiration_date is not None and self.password_expiration_date <= today:
            return EXPIRED
        if prefs.two_factor == "enforced" or (
                prefs.two_factor == "enabled" and self.auth_method == "two-factor"):
            return TWO_FACTOR
        return None

    def locked(self, prefs: IdentityPreferences) -> bool:
        return lockout.is_locked(self.login_attempts, prefs.failed_login_attempts)


def find(*, userid: str | None = None, borrowernumber: int | None = None) -> StaffMember | None:
    """The patron with this userid (Koha's login identifier) or borrowernumber, with their
    permissions; None if Koha has no such patron."""
    lookup = {"userid": userid} if userid is not None else {"pk": borrowernumber}
    row = Patron.objects.filter(**lookup).values(*FIELDS).first()
    if row is None:
        return None
    return StaffMember(
        borrowernumber=row["borrowernumber"], userid=row["userid"], cardnumber=row["cardnumber"],
        firstname=row["firstname"], surname=row["surname"], email=row["email"],
        branchcode=row["library_id"], password=row["password"],
        login_attempts=row["login_attempts"] or 0,
        password_expiration_date=row["password_expiration_date"],
        auth_method=row["auth_method"] or "password",
        permissions=for_patron(row["userid"], row["flags"], row["borrowernumber"]),
    )
