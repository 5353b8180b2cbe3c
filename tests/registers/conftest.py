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
