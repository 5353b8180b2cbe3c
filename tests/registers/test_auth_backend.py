"""kohapay's ModelBackend answers exactly as Django's, in one statement instead of three."""
import pytest
from django.contrib.auth import backends
from django.contrib.auth.models import AnonymousUser, Group, Permission, User

from core.auth_backends import ModelBackend, group_names
from registers.access import PERMISSION, can_view_dashboard


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)  # no per-object permission cache yet


@pytest.fixture
def users(make_user):
    """Users holding permissions every way Django grants them."""
    change_user = Permission.objects.get(codename="change_user")
    view_group = Permission.objects.get(codename="view_group")
    direct = make_user("direct")
    direct.user_permissions.add(change_user)
    both = make_user("both", "Auditors")
    both.user_permissions.add(change_user, view_group)
    extra = Group.objects.create(name="Readers")
    extra.permissions.add(view_group)
    both.groups.add(extra)
    inactive = make_user("inactive", "Finance staff")
    inactive.is_active = False
    inactive.save()
    superuser = User.objects.create_superuser("root", password="pw-for-tests-only")
    superuser.groups.add(extra)
    return [direct, both, inactive, superuser, make_user("auditor", "Auditors"),
            make_user("nobody")]


def test_permissions_are_djangos_for_every_kind_of_user(users):
    for user in users:
        ours, django = ModelBackend(), backends.ModelBackend()
        expected = django.get_all_permissions(fresh(user))

        assert ours.get_all_permissions(fresh(user)) == expected, user.username
        assert ours.has_perm(fresh(user), PERMISSION) == (PERMISSION in expected)
        assert ours.get_all_permissions(fresh(user), obj=user) == set()
    assert ModelBackend().get_all_permissions(AnonymousUser()) == set()
    assert {u.username for u in users if can_view_dashboard(fresh(u))} == {
        "both", "root", "auditor"}


def test_group_names_are_the_users_groups(users):
    for user in users:
        assert group_names(fresh(user)) == set(user.groups.values_list("name", flat=True))


def test_permissions_and_groups_are_one_query(make_user, django_assert_num_queries):
    user = fresh(make_user("mia", "Finance staff"))

    with django_assert_num_queries(1):
        assert user.has_perm(PERMISSION)
        assert group_names(user) == {"Finance staff"}
        assert user.has_perm(PERMISSION)


def test_a_superusers_groups_read_first_do_not_narrow_its_permissions(users):
    root = fresh(next(u for u in users if u.is_superuser))

    assert group_names(root) == {"Readers"}
    assert ModelBackend().get_all_permissions(root) == {
        f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.all()}
