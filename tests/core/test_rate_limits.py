"""The rate limits' counter (``core.rate_counter``, ``core.throttling``): one
atomic statement per check, run outside any transaction; the count comes back with that
statement; exact under a concurrent burst from real threads on their own connections; fixed,
clock-aligned windows with ``Retry-After`` = the time left; per user on the register figures;
the forwarded address behind the proxy. (The per-client, per-client_id and per-address limits:
``test_access.py``; two processes sharing one limit: ``test_processes.py``.)"""
import base64
import math
import time
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from rest_framework.test import APIClient

from core.models import RateCounter
from core.rate_counter import count_hit
from core.throttling import parse_rate
from registers.access import ensure_groups
from tests.helpers import TOKEN_URL, bearer_client, payments_url, run_in_threads

MINUTE = 1_700_000_040  # a Unix time on a minute boundary


def api_windows(client) -> list[RateCounter]:
    return list(RateCounter.objects.filter(scope="api", ident=f"client-{client.pk}"))


# --- the statement -----------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_check_is_one_statement_outside_any_transaction(kiosk, pay):
    seen = []

    def record(execute, sql, params, many, context):
        seen.append((sql, connection.in_atomic_block, connection.get_autocommit()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert pay().status_code == 201
    counted = [(atomic, autocommit) for sql, atomic, autocommit in seen
               if "kohapay_rate_counter" in sql]
    assert counted == [(False, True)]  # one statement, committed on its own, before the intake
    assert [w.hits for w in api_windows(kiosk.client)] == [1]


def test_the_new_count_comes_back_with_the_statement(db):
    now = MINUTE + 30
    assert [count_hit("api", "client-1", 60, now=now).hits for _ in range(3)] == [1, 2, 3]
    # a first hit reports 1, not the connection's last count (LAST_INSERT_ID(1) on insert)
    assert count_hit("api", "client-2", 60, now=now).hits == 1
    assert count_hit("token-ip", "client-1", 60, now=now).hits == 1  # scopes count apart
    last = count_hit("api", "client-1", 60, now=now + 29.9)
    assert (last.hits, last.ends_at) == (4, MINUTE + 60)  # same window, until its end
    following = count_hit("api", "client-1", 60, now=now + 30)
    assert (following.hits, following.ends_at) == (1, MINUTE + 120)  # a new window from zero
    rows = RateCounter.objects.filter(scope="api", ident="client-1").order_by("window_start")
    assert [(r.window_start, r.hits) for r in rows] == [
        (datetime.fromtimestamp(MINUTE, UTC), 4), (datetime.fromtimestamp(MINUTE + 60, UTC), 1)]


@pytest.mark.parametrize("rate, parsed", [
    ("600/min", (600, 60)), ("30/m", (30, 60)), ("5/sec", (5, 1)), ("2/hour", (2, 3600)),
    ("1/day", (1, 86400)),
])
def test_rates_are_drfs_rate_strings(rate, parsed):
    assert parse_rate(rate) == parsed


# --- concurrency -------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_concurrent_counts_from_separate_connections_are_exact():
    """8 threads × 40 increments of one counter at once: every count from 1 to 320 handed out
    exactly once — no lost update, no two requests told the same number."""
    def work(index):
        counts = [count_hit("api", "client-burst", 60, now=MINUTE).hits for _ in range(40)]
        return connection.connection.thread_id(), counts

    results = run_in_threads(8, work)
    assert len({thread_id for thread_id, _ in results}) == 8  # eight MariaDB connections
    assert sorted(n for _, counts in results for n in counts) == list(range(1, 321))
    assert RateCounter.objects.get(ident="client-burst").hits == 320


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_burst_gets_exactly_the_limit_through(one_minute_window, kiosk, settings):
    settings.KOHAPAY_API_RATE = "10/min"
    statuses = run_in_threads(
        30, lambda index: bearer_client(kiosk.token).get(payments_url()).status_code)
    assert sorted(statuses) == [200] * 10 + [429] * 20
    assert [w.hits for w in api_windows(kiosk.client)] == [30]  # the refused ones counted too


# --- windows and Retry-After -------------------------------------------------------------------
def test_retry_after_is_the_time_left_in_the_window(one_minute_window, kiosk, settings):
    settings.KOHAPAY_API_RATE = "1/min"
    assert kiosk.api.get(payments_url()).status_code == 200
    before = time.time()
    refused = kiosk.api.get(payments_url())
    after = time.time()
    assert refused.status_code == 429 and refused.json()["error_code"] == "rate_limited"
    window_end = (int(before) // 60 + 1) * 60
    assert math.ceil(window_end - after) <= int(refused["Retry-After"]) <= math.ceil(
        window_end - before)


# --- the register figures: per dashboard user --------------------------------------------------
def basic(username: str) -> dict:
    token = base64.b64encode(f"{username}:pw-for-tests-only".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def test_daily_totals_are_limited_per_user(one_minute_window, koha, settings):
    for name in ("audrey", "fiona"):
        user = User.objects.create_user(name, password="pw-for-tests-only")
        user.groups.add(ensure_groups()["Auditors"])
    settings.KOHAPAY_API_RATE = "2/min"
    url = "/api/v1/cash_registers/1/daily_totals"
    api = APIClient()
    assert [api.get(url, **basic("audrey")).status_code for _ in range(2)] == [200, 200]
    refused = api.get(url, **basic("audrey"))
    assert refused.status_code == 429 and refused.json()["error_code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert api.get(url, **basic("fiona")).status_code == 200  # another user, another count
    audrey = User.objects.get(username="audrey")
    assert RateCounter.objects.get(ident=f"user-{audrey.pk}").hits == 3


# --- behind the proxy --------------------------------------------------------------------------
def test_behind_the_proxy_the_forwarded_address_is_counted(one_minute_window, db, settings):
    """KOHAPAY_BEHIND_PROXY=1 (NUM_PROXIES 1): the address the proxy appended to X-Forwarded-For
    is the client's; what the client put before it changes nothing."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.KOHAPAY_TOKEN_RATE = "2/min"

    def token_request(n, forwarded):
        return APIClient().post(TOKEN_URL, {"grant_type": "client_credentials",
                                            "client_id": f"client-{n}", "client_secret": "guess"},
                                REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert [token_request(n, "203.0.113.7").status_code for n in range(2)] == [401, 401]
    assert token_request(2, "198.51.100.1, 203.0.113.7").status_code == 429  # forged prefix
    assert token_request(3, "203.0.113.8").status_code == 401  # another address
    odd = "x" * 300  # whatever a misconfigured proxy forwards is counted, hashed to fit
    assert token_request(4, odd).status_code == 401
    idents = set(RateCounter.objects.filter(scope="token-ip").values_list("ident", flat=True))
    assert {"ip-203.0.113.7", "ip-203.0.113.8"} < idents
    assert any(ident.startswith("sha256-") and len(ident) <= 64 for ident in idents)
