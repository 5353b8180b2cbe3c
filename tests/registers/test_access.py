"""Roles: the groups of the data migration, their permission, and the demo logins."""
import re

from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser, Group

from demo.users import create_demo_users
from registers.access import GROUPS, PERMISSION, can_view_dashboard, ensure_groups, library_codes


def test_the_migration_created_both_groups_with_the_dashboard_permission(db):
    for name in GROUPS:
        group = Group.objects.get(name=name)
        assert list(group.permissions.values_list("codename", flat=True)) == ["view_dashboard"]


def test_ensure_groups_is_idempotent(db):
    first = ensure_groups()
    again = ensure_groups()

    assert {n: g.pk for n, g in first.items()} == {n: g.pk for n, g in again.items()}
    assert Group.objects.filter(name__in=GROUPS).count() == 2


def test_group_members_may_view_and_others_may_not(make_user):
    assert can_view_dashboard(make_user("a", "Auditors"))
    assert can_view_dashboard(make_user("f", "Finance staff"))
    assert not can_view_dashboard(make_user("nobody"))
    inactive = make_user("gone", "Auditors")
    inactive.is_active = False
    assert not can_view_dashboard(inactive)
    assert PERMISSION == "registers.view_dashboard"


def test_library_codes(make_user, koha):
    assert library_codes(make_user("free", "Auditors")) is None
    assert library_codes(make_user("mpl", "Auditors", libraries=["MPL"])) == {"MPL"}
    assert library_codes(make_user("two", "Auditors", libraries=["MPL", "CPL"])) == {"MPL", "CPL"}
    assert library_codes(make_user("none", "Auditors", libraries=[])) == set()
    # A branchcode Koha no longer has (the restriction's table has no foreign key to Koha's).
    assert library_codes(make_user("gone", "Auditors", libraries=["MPL", "GONE"])) == {"MPL"}


def test_an_anonymous_user_is_limited_to_nothing(db):
    assert library_codes(AnonymousUser()) == set()


def test_library_codes_is_one_query(make_user, koha, django_assert_num_queries):
    user = make_user("two", "Auditors", libraries=["MPL", "CPL"])
    with django_assert_num_queries(1):
        library_codes(user)


def test_demo_logins_work_and_change_on_every_run(db):
    lines = create_demo_users()
    text = "\n".join(lines)
    logins = dict(re.findall(r"username: (\w+)\s+password: (\S+)", text))

    assert set(logins) == {"finance", "auditor"}
    for username, password in logins.items():
        user = authenticate(username=username, password=password)
        assert user is not None and can_view_dashboard(user) and not user.is_staff
    auditor = authenticate(username="auditor", password=logins["auditor"])
    assert auditor.groups.get().name == "Auditors"

    again = dict(re.findall(r"username: (\w+)\s+password: (\S+)", "\n".join(create_demo_users())))
    assert again["auditor"] != logins["auditor"]
    assert authenticate(username="auditor", password=logins["auditor"]) is None


def test_a_page_reads_the_users_groups_once_and_the_next_request_again(koha, client, make_user):
    """The register page asks twice (may this user cash up? the header's role): one query. A
    change in the admin shows on the next request."""
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = make_user("gus", "Finance staff")
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/registers/1/").content.decode()
    assert sum("auth_group" in q["sql"] and "auth_group_permissions" not in q["sql"]
               for q in captured.captured_queries) == 1
    assert "Finance staff" in page

    user.groups.set([Group.objects.get(name="Auditors")])
    assert '<span class="role">Auditor</span>' in client.get("/registers/1/").content.decode()
