"""Who may see the dashboard, and which registers they may see.

Both dashboard groups (Finance staff, Auditors — data migration 0003) hold one permission,
``registers.view_dashboard``; nothing on the dashboard writes, so auditors are read-only by
construction. A user may further be limited to some libraries (``LibraryRestriction``); every
page, export and API call goes through ``library_codes`` so the limit holds everywhere.
"""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.views.decorators.http import require_safe

from registers.models import LibraryRestriction

PERMISSION = "registers.view_dashboard"
GROUPS = ("Finance staff", "Auditors")


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


def can_view_dashboard(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(PERMISSION))


def library_codes(user) -> set[str] | None:
    """Branchcodes the user may see; None means every library. One query: the restriction and
    its libraries, a row even for a restriction listing none. A listed branchcode Koha no longer
    has counts as none (its name is NULL: no ``branches`` row joined). A user without an id
    (anonymous) sees nothing: never "every library" by default."""
    if user.pk is None:
        return set()
    rows = list(
        LibraryRestriction.objects.filter(user_id=user.pk)
        .values_list("libraries__branchcode", "libraries__branchname")
    )
    if not rows:
        return None
    return {code for code, name in rows if name is not None}


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
