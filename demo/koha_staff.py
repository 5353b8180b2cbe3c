"""Demo Koha staff logins, called by `manage.py seed_demo`: Koha patrons with realistic
permissions and passwords hashed as Koha hashes them (``$2a$08$``), who log into the dashboard
with their Koha userid — one of them refused, as Koha's permissions say.

Passwords are generated afresh on every call (nothing secret is committed) and the accounts reset
each time (password, permissions, lockout counter), so the printed logins always work; Koha's
``FailedLoginAttempts`` is 5, so a few wrong passwords show the lockout.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from koha.identity import passwords
from koha.models import Patron, SystemPreference, UserPermission
from koha.schema.reference_data import KOHA_USERFLAGS

BITS = {flag: bit for bit, flag in KOHA_USERFLAGS}
FAILED_LOGIN_ATTEMPTS = "5"


@dataclass(frozen=True)
class KohaLogin:
    userid: str
    firstname: str
    surname: str
    branch: str
    modules: tuple[str, ...]  # whole modules: bits of borrowers.flags
    codes: tuple[tuple[str, str], ...]  # sub-permissions: user_permissions rows
    label: str


KOHA_LOGINS = (
    KohaLogin("finance_officer", "Fatima", "Okafor", "CPL", ("catalogue", "cash_management"),
              (("borrowers", "edit_borrowers"),), "finance officer (CPL, sees patrons)"),
    KohaLogin("desk_clerk", "Daniel", "Berg", "CPL", ("catalogue", "circulate"),
              (("borrowers", "edit_borrowers"),), "desk clerk (no cash_management: refused)"),
    KohaLogin("koha_admin", "Samira", "Reyes", "MPL", ("superlibrarian",), (),
              "superlibrarian (every library, the admin)"),
)


def create_koha_staff_logins() -> list[str]:
    """Create or reset the demo's Koha staff patrons; return lines describing their logins."""
    SystemPreference.objects.update_or_create(
        variable="FailedLoginAttempts", defaults={"value": FAILED_LOGIN_ATTEMPTS})
    lines = ["Koha staff logins (same page: Koha userid and password; locked after 5 wrong):"]
    for spec in KOHA_LOGINS:
        password = secrets.token_urlsafe(12)
        reset_koha_login(spec, password)
        lines.append(f"  {spec.label:<42} userid: {spec.userid:<16} password: {password}")
    return lines


def reset_koha_login(spec: KohaLogin, password: str) -> Patron:
    patron, _ = Patron.objects.update_or_create(userid=spec.userid, defaults={
        "cardnumber": f"S{spec.userid.upper()}"[:32], "firstname": spec.firstname,
        "surname": spec.surname, "library_id": spec.branch, "categorycode": "S",
        "email": f"{spec.userid}@library.example.org", "password": passwords.koha_hash(password),
        "flags": sum(1 << BITS[name] for name in spec.modules), "login_attempts": 0,
        "password_expiration_date": None, "auth_method": "password",
    })
    UserPermission.objects.filter(borrowernumber=patron.pk).delete()
    UserPermission.objects.bulk_create(
        UserPermission(borrowernumber=patron.pk, module_bit=BITS[module], code=code)
        for module, code in spec.codes
    )
    return patron
