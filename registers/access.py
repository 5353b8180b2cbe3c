"""Who may see the dashboard, what of it, and which registers.

Two kinds of users:

- **Koha staff** logged in with their Koha userid and password (``core.backends``): Koha's
  permissions decide, as the session last read them (``user.koha``, a
  ``core.staff_sessions.KohaAccess``): the dashboard needs ``VIEW_REGISTERS`` (Koha's rule for its
  own register pages), patrons' names and card numbers ``SEE_PATRONS`` as well, and the registers
  are those of the libraries Koha lets them log into (``koha.identity.libraries``).
- **kohapay's own users** (for people who are not Koha staff, e.g. an external auditor): the two
  groups of data migration 0003 (Finance staff, Auditors) hold one permission,
  ``registers.view_dashboard``; they see patrons, and every library unless restricted. Finance
  staff may cash up (as ``KOHAPAY_CASHUP_MANAGER_ID``, when set).

kohapay's settings may only narrow what Koha allows: a ``LibraryRestriction`` narrows anyone's
libraries; membership of the Auditors group makes anyone read-only, a Koha login too. Every
page, export and API call goes through ``library_codes``, so the limits hold everywhere.
"""
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.views.decorators.http import require_safe

from koha.identity.permissions import CASHUP, SEE_PATRONS, VIEW_REGISTERS
from registers.models import LibraryRestriction

PERMISSION = "registers.view_dashboard"
GROUPS = ("Finance staff", "Auditors")
READ_ONLY_GROUP = "Auditors"
FINANCE_GROUP = "Finance staff"


def ensure_groups() -> dict:
    """The two groups with their permission, as data migration 0003 creates them — again, for
    databases that lost them since (a flushed test database, a demo database)."""
    content_type = ContentType.objects.get_for_model(LibraryRestriction)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=PERMISSION.split(".")[1],
        defaults={"name": "Can view register figures, transactions and exports"},
    )
    groups = {}
    for name in GROUPS:
        groups[name], _ = Group.objects.get_or_create(name=name)
        groups[name].permissions.add(permission)
    return groups


def koha_access(user):
    """The Koha answer of a Koha staff session (``core.staff_sessions.KohaAccess``), or None for
    kohapay's own users."""
    return getattr(user, "koha", None)


def can_view_dashboard(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    koha = koha_access(user)
    if koha is not None:
        return koha.permissions.allows(VIEW_REGISTERS)
    return user.has_perm(PERMISSION)


def can_see_patrons(user) -> bool:
    """Patrons' names and card numbers on day pages and their CSVs (else masked): Koha staff
    need ``borrowers: edit_borrowers``, Koha's rule for its patron account pages."""
    koha = koha_access(user)
    return koha is None or koha.permissions.allows(SEE_PATRONS)


def group_names(user) -> set[str]:
    """The user's groups, read once per request: kept on the request's user object (as Django's
    backends keep its permissions), so a change in the admin is seen by the next request."""
    if user.pk is None:
        return set()
    if not hasattr(user, "_kohapay_group_names"):
        user._kohapay_group_names = frozenset(user.groups.values_list("name", flat=True))
    return set(user._kohapay_group_names)


def is_read_only(user) -> bool:
    """Auditors never write; kohapay's own users write only as Finance staff, a Koha login by
    Koha's permissions (see ``can_record_cashup``)."""
    groups = group_names(user)
    if READ_ONLY_GROUP in groups:
        return True
    return koha_access(user) is None and FINANCE_GROUP not in groups


def can_record_cashup(user) -> bool:
    """Who may cash up a register on the dashboard: a Koha login holding Koha's
    ``cash_management: cashup``, or a kohapay Finance staff user when kohapay knows which Koha
    patron records their cashups (``KOHAPAY_CASHUP_MANAGER_ID``: Koha's ``manager_id`` must be
    a patron) — never a member of the Auditors group."""
    if not can_view_dashboard(user) or is_read_only(user):
        return False
    koha = koha_access(user)
    if koha is not None:
        return koha.permissions.allows(CASHUP)
    return settings.KOHAPAY_CASHUP_MANAGER_ID is not None


def cashup_manager_id(user) -> int | None:
    """The Koha patron a user's cashups are recorded as (``cash_register_actions.manager_id``):
    a Koha login's own borrowernumber, else ``KOHAPAY_CASHUP_MANAGER_ID``."""
    koha = koha_access(user)
    return koha.borrowernumber if koha is not None else settings.KOHAPAY_CASHUP_MANAGER_ID


def role_label(user) -> str:
    """The header's role: at most one query (the user's groups), as before Koha logins."""
    koha = koha_access(user)
    if koha is not None:
        label = "Koha superlibrarian" if koha.permissions.superlibrarian else "Koha staff"
        return f"{label} · read-only" if is_read_only(user) else label
    if user.is_superuser:
        return "Administrator"
    groups = group_names(user)
    if "Finance staff" in groups:
        return "Finance staff"
    return "Auditor" if "Auditors" in groups else ""


def library_codes(user) -> set[str] | None:
    """Branchcodes the user may see; None means every library. One query: the restriction and
    its libraries, a row even for a restriction listing none. A listed branchcode Koha no longer
    has counts as none (its name is NULL: no ``branches`` row joined). A user without an id
    (anonymous) sees nothing: never "every library" by default. For a Koha login, the libraries
    Koha allows, narrowed by a restriction if there is one."""
    if user.pk is None:
        return set()
    rows = list(
        LibraryRestriction.objects.filter(user_id=user.pk)
        .values_list("libraries__branchcode", "libraries__branchname")
    )
    restricted = {code for code, name in rows if name is not None} if rows else None
    koha = koha_access(user)
    allowed = None if koha is None or koha.libraries is None else set(koha.libraries)
    if restricted is None or allowed is None:
        return allowed if restricted is None else restricted
    return restricted & allowed


def dashboard_page(view):
    """A dashboard page: GET/HEAD only (405 otherwise), anonymous users are sent to the login
    page, users without the permission get 403."""

    @wraps(view)
    @require_safe
    @login_required
    def wrapper(request, *args, **kwargs):
        if not can_view_dashboard(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
