"""Fixtures of the dashboard tests: spec §10's world plus a few helpers."""
from datetime import UTC, datetime

import pytest


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def new_york(settings):
    """A zone with daylight saving: the dashboard's days are New York days."""
    settings.KOHA_TIME_ZONE = "America/New_York"
    return settings


@pytest.fixture
def make_user(db):
    """A dashboard user: ``group`` is "Finance staff", "Auditors" or None; ``libraries`` a list of
    branchcodes for a library restriction (None: unrestricted)."""
    from django.contrib.auth.models import User

    from registers.access import ensure_groups
    from registers.models import LibraryRestriction

    def make(username, group=None, libraries=None, password="pw-for-tests-only"):
        user = User.objects.create_user(username, password=password)
        if group:
            user.groups.add(ensure_groups()[group])  # a flush by an earlier test drops them
        if libraries is not None:
            LibraryRestriction.objects.create(user=user).libraries.set(libraries)
        return user

    return make


@pytest.fixture
def auditor(make_user):
    return make_user("audrey", "Auditors")


@pytest.fixture
def finance(make_user):
    return make_user("fiona", "Finance staff")


@pytest.fixture
def auditor_client(client, auditor):
    client.force_login(auditor)
    return client


@pytest.fixture
def finance_client(client, finance):
    client.force_login(finance)
    return client
