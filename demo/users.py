"""Demo logins of the dashboard, called by `manage.py seed_demo` (which writes the returned lines
to var/demo-credentials.txt and `make run` prints them).

Passwords are generated afresh on every call — nothing secret is committed — and the users are
reset each time, so the printed logins always work.
"""
import secrets

from django.contrib.auth import get_user_model

from registers.access import ensure_groups

# username, group (data migration 0003), label printed for people
DEMO_USERS = (
    ("finance", "Finance staff", "finance staff"),
    ("auditor", "Auditors", "auditor (read-only)"),
)


def reset_demo_user(username: str, group_name: str) -> str:
    """Create or reset one demo user in its group; return its new password."""
    password = secrets.token_urlsafe(12)
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.set_password(password)
    user.is_active, user.is_staff, user.is_superuser = True, False, False
    user.save()
    user.groups.set([ensure_groups()[group_name]])
    return password


def create_demo_users() -> list[str]:
    """Create the demo finance user and auditor; return lines describing their logins."""
    lines = ["Dashboard logins (http://127.0.0.1:8000/registers/):"]
    for username, group_name, label in DEMO_USERS:
        password = reset_demo_user(username, group_name)
        lines.append(f"  {label:<20} username: {username:<8} password: {password}")
    return lines
