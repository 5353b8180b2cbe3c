"""Helpers shared by the tests (fixtures are in ``tests/conftest.py``): times, the payment API's
requests and tokens, row counts and the ledger audit, concurrent requests from real threads, HTML
tables read back, real HTTP to a gunicorn-served kohapay, and the benchmark report's sample runs.
Test modules import from here and from ``tests.factories``, never from one another."""
from __future__ import annotations

import http.client
import json
import os
import queue
import re
import secrets
import threading
import urllib.parse
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from koha import schema as kohaschema
from tools.bench.servers import gunicorn


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# --- the payment API ----------------------------------------------------------------------------

TOKEN_URL = "/api/v1/oauth/token"


def payments_url(patron_id=42, payment_id=None) -> str:
    url = f"/api/v1/patrons/{patron_id}/account/payments"
    return url if payment_id is None else f"{url}/{payment_id}"


def sales_url(register_id=1, sale_id=None) -> str:
    url = f"/api/v1/cash_registers/{register_id}/sales"
    return url if sale_id is None else f"{url}/{sale_id}"


def payment_refunds_url(payment_id, patron_id=42) -> str:
    return f"{payments_url(patron_id, payment_id)}/refunds"


def sale_refunds_url(sale_id, register_id=1) -> str:
    return f"{sales_url(register_id, sale_id)}/refunds"


def sale_body(*items, payment_type="CASH", **properties) -> dict:
    """The body of a sale (issue 16): ``items`` as (debit type, price, quantity) triples;
    default one PRINT at 0.20 × 12."""
    items = items or (("PRINT", "0.20", 12),)
    return {"payment_type": payment_type, **properties,
            "items": [{"debit_type": code, "price": price, "quantity": quantity}
                      for code, price, quantity in items]}


def get_token(credentials) -> str:
    response = APIClient().post(TOKEN_URL, {
        "grant_type": "client_credentials", "client_id": credentials.client_id,
        "client_secret": credentials.client_secret,
    })
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def pay_body(amount, *line_ids: int, **properties) -> dict:
    """The body of a payment of debits the patron already owes (issue 15): cash at register 1,
    the lines named in the order given (none: the oldest debts first)."""
    body = {"amount": str(amount), "payment_type": "CASH", "register_id": 1, **properties}
    if line_ids:
        body["account_lines_ids"] = list(line_ids)
    return body


def bearer_client(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def koha_key_api(owner, **key) -> APIClient:
    """A Koha API key of ``owner`` (``RESTOAuth2ClientCredentials`` must be on), with a token."""
    from tests.factories import koha_api_key

    return bearer_client(get_token(koha_api_key(owner, **key)))


# --- the discovery routes ---------------------------------------------------------------------

REGISTERS_URL = "/api/v1/cash_registers"
DEBIT_TYPES_URL = "/api/v1/debit_types"
PAYMENT_TYPES_URL = "/api/v1/payment_types"


def account_url(patron_id=42) -> str:
    return f"/api/v1/patrons/{patron_id}/account"


def links(response) -> dict[str, str]:
    """The ``Link`` header as {rel: url}."""
    found = {}
    for part in response["Link"].split(","):
        url, rel = part.split(";")
        found[rel.strip().removeprefix('rel="').removesuffix('"')] = url.strip()[1:-1]
    return found


# --- Koha staff logins ------------------------------------------------------------------------

LOGIN_URL = "/accounts/login/"
SAME_ANSWER = "Your username and password didn&#x27;t match. Please try again."


def log_in(client, username: str, password: str):
    """The dashboard's login form, posted as a browser posts it."""
    return client.post(LOGIN_URL, {"username": username, "password": password})


def set_preference(variable: str, value: str) -> None:
    """A Koha system preference (``systempreferences``), as Koha's staff interface sets one."""
    from koha.models import SystemPreference

    SystemPreference.objects.update_or_create(variable=variable, defaults={"value": value})


def login_attempts(patron) -> int:
    from koha.models import Patron

    return Patron.objects.values_list("login_attempts", flat=True).get(pk=patron.pk)


# --- every route of the project, with sample path arguments -----------------------------------

SAMPLES = {"int": "1", "isodate": "2024-05-02", "path": "1", "str": "1", "slug": "x",
           "uuid": "00000000-0000-0000-0000-000000000001"}


def _route(pattern) -> str:
    text = str(pattern.pattern)
    if hasattr(pattern.pattern, "_route"):  # path(): <type:name>
        return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "1"), text)
    text = text.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")  # re_path()
    return re.sub(r"\(\?P<\w+>[^)]*\)", "1", text)


def every_url(patterns=None, prefix="/") -> list[str]:
    urls = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            urls += every_url(pattern.url_patterns, prefix + _route(pattern))
        elif isinstance(pattern, URLPattern):
            urls.append(prefix + _route(pattern))
    return sorted(set(urls))


# --- rows and the ledger ----------------------------------------------------------------------


def table_row_counts(tables: list[str]) -> dict[str, int]:
    """COUNT(*) of each named table, with plain SQL (tables without a model included)."""
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM `{table}`")
            counts[table] = cursor.fetchone()[0]
    return counts


def second_connection():
    """Another MariaDB connection to the test database, in autocommit: a Koha desk, a killer,
    a lock probe."""
    import MySQLdb

    db = settings.DATABASES["default"]
    return MySQLdb.connect(host=db["HOST"] or "127.0.0.1", port=int(db["PORT"] or 3306),
                           user=db["USER"], password=db["PASSWORD"] or "",
                           database=connection.settings_dict["NAME"], autocommit=True)


def row_counts() -> dict[str, int]:
    """Rows in every Koha table kohapay maps and in kohapay's intake table: what an intake could
    write."""
    return table_row_counts(sorted(kohaschema.koha_tables()) + ["kohapay_intake"])


def assert_refused(response, status: int, code: str, before: dict) -> dict:
    """A refusal in Koha's error shape that wrote nothing (``before``: ``row_counts()``);
    returns the error body."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error_code"] == code, body
    assert isinstance(body["error"], str) and body["error"].endswith("."), body
    assert row_counts() == before, "a refused request wrote rows"
    return body


def ledger_is_clean() -> str:
    """Run ``manage.py verify_ledger``; its report (raises CommandError on any anomaly)."""
    out = StringIO()
    call_command("verify_ledger", stdout=out)
    return out.getvalue()


# --- concurrent requests from real threads ----------------------------------------------------


def run_in_threads(count: int, work) -> list:
    """``work(index)`` in ``count`` threads released together; each thread has its own database
    connection (Django's are per thread), closed when it is done. The results, in index order."""
    barrier, results = threading.Barrier(count), [None] * count

    def run(index):
        try:
            barrier.wait()
            results[index] = work(index)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def run_concurrently(token: str, requests: list[dict], threads: int | None = None) -> list:
    """POST every request (``body``, optional ``headers`` and ``patron_id``), each thread on its
    own connection, all threads released together by a barrier. Without ``threads``, one thread
    per request: every request at once. With ``threads``, that many threads take requests off
    one queue until it is empty (hundreds of requests, a bounded number of connections)."""
    work = queue.Queue()
    for index, request in enumerate(requests):
        work.put((index, request))
    barrier = threading.Barrier(threads or len(requests))
    responses = [None] * len(requests)

    def worker():
        try:
            api = bearer_client(token)
            barrier.wait()
            while True:
                try:
                    index, request = work.get_nowait()
                except queue.Empty:
                    return
                responses[index] = api.post(payments_url(request.get("patron_id", 42)),
                                            request["body"], format="json",
                                            **request.get("headers", {}))
                if threads is None:
                    return  # one request per thread
        finally:
            connection.close()  # this thread's own connection

    pool = [threading.Thread(target=worker) for _ in range(threads or len(requests))]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=300)
    assert all(r is not None for r in responses), "a request did not finish"
    return responses


@contextmanager
def another_transaction(*statements: tuple[str, list]):
    """Run ``statements`` ((sql, params) pairs) in a transaction of a MariaDB connection of its
    own — another writer, such as Koha's desk — and keep it open, its row locks held, until the
    block ends; then commit."""
    import MySQLdb

    db = connection.settings_dict
    other = MySQLdb.connect(host=db["HOST"] or "127.0.0.1", port=int(db["PORT"] or 3306),
                            user=db["USER"], password=db["PASSWORD"] or "",
                            database=db["NAME"], charset="utf8mb4", autocommit=False)
    try:
        cursor = other.cursor()
        cursor.execute("SET time_zone = '+00:00'")
        for sql, params in statements:
            cursor.execute(sql, params)
        yield
        other.commit()
    finally:
        other.close()


def wait_for_lock_waits(count: int, statement: str = "%") -> None:
    """Return once ``count`` locking reads (``… FOR UPDATE``; those starting as ``statement``, a
    LIKE pattern, when given) are under way on the test database — held up by a transaction
    that holds their rows (fail after 20 s). Read from the process list: MariaDB shows a
    locking read of a constant row waiting in the optimizer's "Statistics" state, and
    INNODB_TRX does not always list it."""
    import time

    deadline = time.monotonic() + 20
    pattern = f"{statement}FOR UPDATE"
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE()"
                " AND COMMAND = 'Query' AND INFO LIKE %s AND ID <> CONNECTION_ID()", [pattern])
            if cursor.fetchone()[0] >= count:
                return
            time.sleep(0.02)
    raise AssertionError(f"{count} locking read(s) never came to wait")


def post_in_threads(token: str, bodies: list[dict], patron_id: int = 42) -> tuple:
    """Start one thread per body, each POSTing it (``headers`` and ``body`` keys) on its own
    connection; returns (threads, responses) — join the threads before reading responses."""
    responses = [None] * len(bodies)

    def post(index):
        try:
            request = bodies[index]
            responses[index] = bearer_client(token).post(
                payments_url(patron_id), request["body"], format="json",
                **request.get("headers", {}))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    return threads, responses


# --- a rendered <table> read back into rows of cell texts (a page against its CSV) ------------


class _TableReader(HTMLParser):
    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.depth, self.rows = table_id, 0, []
        self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and (self.depth or attrs.get("id") == self.table_id):
            self.depth += 1
        elif self.depth and tag == "tr":
            self._row = {"attrs": attrs, "cells": []}
        elif self.depth and tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "table":
            self.depth -= 1
        elif tag in ("td", "th") and self._cell is not None:
            self._row["cells"].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str, table_id: str) -> list[dict]:
    """[{"attrs": {...} of the <tr>, "cells": [text, …]}] of the table with this id."""
    reader = _TableReader(table_id)
    reader.feed(html)
    return reader.rows


def amount(text: str) -> Decimal:
    """A displayed amount ("1,234.50", "−3.00") as a Decimal."""
    return Decimal(text.replace(",", "").replace("\u2212", "-"))


# --- real HTTP to kohapay served by gunicorn on 127.0.0.1 (separate server processes) ---------


@contextmanager
def kohapay_server(name: str, *, database_url: str | None = None, workers: int = 1, **env):
    """kohapay with production settings (plain HTTP on loopback) in its own gunicorn; yields the
    port. ``database_url`` defaults to the test database."""
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("KOHAPAY_", "DJANGO_")) and k != "DATABASE_URL"}
    db = connection.settings_dict  # the test database once pytest-django has set it up
    environment.update({
        "DJANGO_SETTINGS_MODULE": "kohapay.settings", "KOHAPAY_DEBUG": "0",
        "KOHAPAY_SECRET_KEY": secrets.token_urlsafe(50), "KOHAPAY_HTTPS": "0",
        "KOHAPAY_ALLOWED_HOSTS": "127.0.0.1", "PYTHONPATH": str(settings.BASE_DIR),
        "DATABASE_URL": database_url or (
            f"mysql://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 3306}/{db['NAME']}"),
        **env,
    })
    with gunicorn("kohapay.wsgi", environment, f"hardening-{name}", workers) as port:
        yield port


def call(port: int, method: str, path: str, body=None, headers: dict | None = None,
         form: dict | None = None) -> tuple[int, dict, object]:
    """One request; (status, headers, parsed JSON body or raw text)."""
    headers = dict(headers or {})
    data = None
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        raw = response.read().decode()
        answer_headers = {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = raw
    return response.status, answer_headers, parsed


def server_token(port: int, credentials) -> str:
    status, _, body = call(port, "POST", "/api/v1/oauth/token", form={
        "grant_type": "client_credentials", "client_id": credentials.client_id,
        "client_secret": credentials.client_secret})
    assert status == 200, body
    return body["access_token"]


# --- the benchmark report's sample runs -------------------------------------------------------


def bench_load(throughput, failed=0):
    return {"clients": 8, "ok": 100, "failed": failed, "requests": 100,
            "throughput": throughput, "p50_ms": 10.0, "p95_ms": 20.0, "p99_ms": 25.0}


def bench_results(**intake):
    verification = {"payments_201": 100, "exact": True, "outstanding_sum": "0",
                    "tables": {"accountlines": {"added": 200, "expected": 200}},
                    "verify_ledger": {"available": True, "exit_code": 0, "output": "OK"}}
    per_clients = {"8": {"physical": bench_load(900.0), "framework": bench_load(500.0),
                         "two_call": bench_load(300.0), "kohapay": bench_load(200.0)}}
    return {
        "date": "2026-01-01 12:00 UTC", "label": None,
        "command": {"as": "make bench", "ran": "python -m tools.bench.run"},
        "machine": {"cores": 2, "cpu": "cpu", "memory_gib": 4.0, "mariadb": "10.11",
                    "python": "3.11", "git_commit": "abc", "mariadb_settings": {}},
        "intake": {"failures": [], "rate_limits": {"KOHAPAY_API_RATE": "100000000/min"},
                   "per_clients": per_clients, "duration_s": 10, "gunicorn": "--workers 4",
                   "verification": verification, **intake},
    }


# --- a real browser (Debian's Chromium, driven by Playwright) -----------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"  # screenshots, git-ignored
