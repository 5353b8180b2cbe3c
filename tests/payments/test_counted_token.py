"""Issue 18: on MariaDB a token that passes every check is counted for the rate limit by the same
statement (``sql.counted_token_row``): one statement for both, the same counter row as
``ApiRateThrottle``'s, and nothing counted for a token that is refused."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from oauth2_provider.models import AccessToken

from core.models import RateCounter
from tests.helpers import payments_url

pytestmark = pytest.mark.skipif(connection.vendor != "mysql", reason="MariaDB's upsert")


def hits(client) -> list[int]:
    return list(RateCounter.objects.filter(scope="api", ident=f"client-{client.pk}")
                .values_list("hits", flat=True))


def test_the_token_check_counts_the_request_in_one_statement(kiosk, pay):
    with CaptureQueriesContext(connection) as captured:
        assert pay(key="one").status_code == 201
    counters = [q["sql"] for q in captured.captured_queries if "kohapay_rate_counter" in q["sql"]]
    assert len(counters) == 1 and "oauth2_provider_accesstoken" in counters[0]
    assert pay(key="two").status_code == 201
    assert hits(kiosk.client) == [2]


def test_a_refused_token_is_not_counted(kiosk, pay):
    kiosk.client.active = False
    kiosk.client.save()
    assert pay().status_code == 401
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    kiosk.client.active = True
    kiosk.client.save()
    assert pay().status_code == 401
    assert hits(kiosk.client) == []


@override_settings(KOHAPAY_API_RATE="2/day")
def test_the_limit_holds_on_the_count_taken_with_the_token(kiosk):
    statuses = [kiosk.api.get(payments_url(42)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert hits(kiosk.client) == [3]
