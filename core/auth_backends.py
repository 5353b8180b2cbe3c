"""Django's ``ModelBackend``, with what every dashboard request asks of its user read at once.

A dashboard page checks ``registers.view_dashboard`` (Django reads the user's own permissions,
then its groups' permissions: two queries) and its header names the user's role (the user's
groups: a third). Here the three are one statement, run the first time a request asks for any of
them; the answers are Django's own (same rules for inactive, anonymous and superusers, same
per-user-object caches), only the round trips are fewer.
"""
from __future__ import annotations

from functools import cache

from django.contrib.auth import backends
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

# Branch 1: the user's own permissions; 2: its groups' permissions; 3: its groups' names.
_STATEMENT = """
SELECT 'perm', ct.app_label, p.codename FROM {user_perms} up
  JOIN {perm} p ON p.id = up.permission_id JOIN {ctype} ct ON ct.id = p.content_type_id
 WHERE up.user_id = %s
UNION ALL
SELECT 'perm', ct.app_label, p.codename FROM {user_groups} ug
  JOIN {group_perms} gp ON gp.group_id = ug.group_id
  JOIN {perm} p ON p.id = gp.permission_id JOIN {ctype} ct ON ct.id = p.content_type_id
 WHERE ug.user_id = %s
UNION ALL
SELECT 'group', g.name, '' FROM {user_groups} ug JOIN {group} g ON g.id = ug.group_id
 WHERE ug.user_id = %s
"""


@cache
def _statement() -> str:
    user_model = backends.UserModel
    return _STATEMENT.format(**{
        "user_perms": user_model.user_permissions.through._meta.db_table,
        "user_groups": user_model.groups.through._meta.db_table,
        "group_perms": Group.permissions.through._meta.db_table,
        "perm": Permission._meta.db_table,
        "ctype": ContentType._meta.db_table,
        "group": Group._meta.db_table,
    })


def _read(user) -> None:
    """Fill the user object's caches: ``_group_names`` and Django's own ``_perm_cache`` (own and
    group permissions, as ``ModelBackend`` fills it; never for a superuser, whose permissions
    are all there are)."""
    with connection.cursor() as cursor:
        cursor.execute(_statement(), [user.pk] * 3)
        rows = cursor.fetchall()
    user._group_names = frozenset(name for kind, name, _ in rows if kind == "group")
    if not user.is_superuser:
        user._perm_cache = {f"{app}.{codename}" for kind, app, codename in rows if kind == "perm"}


def group_names(user) -> frozenset[str]:
    """The names of the user's groups (read with its permissions, if not already read)."""
    if not hasattr(user, "_group_names"):
        _read(user)
    return user._group_names


class ModelBackend(backends.ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        plain = user_obj.is_active and not user_obj.is_anonymous and obj is None
        if plain and not user_obj.is_superuser and not hasattr(user_obj, "_perm_cache"):
            _read(user_obj)
        # Django's own answer from here on (a superuser: every permission; the cache, if filled).
        return super().get_all_permissions(user_obj, obj)
