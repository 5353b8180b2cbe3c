"""Section 4 and the profile: one kohapay intake in-process (Django's test Client, no HTTP), with
every SQL statement recorded, and a cProfile of a batch of intakes.

``python -m tools.bench.inprocess statements|profile FIXTURE_JSON`` — run by the harness with kohapay's
production settings on ``kp_bench_intake``; prints JSON.
"""
from __future__ import annotations

import cProfile
import json
import pstats
import re
import sys
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager

import django

from tools.bench.workload import PAYMENTS_PATH

PROJECT_PACKAGES = ("kohapay", "koha", "core", "payments", "registers")  # kohapay's own code

INSERT_ACCOUNTLINES = re.compile(r"\s*INSERT\s+INTO\s+`?accountlines`?[\s(]", re.IGNORECASE)
TRANSACTION_HOOKS = ("_set_autocommit", "_commit", "_rollback")


@contextmanager
def recorded_statements():
    """Every statement the default connection executes, in order, with the transaction it ran in.

    Django opens a transaction by turning autocommit off and closes it with a commit or rollback;
    those are driver calls, not statements, so ``execute_wrapper`` does not see them. They are
    wrapped here on the connection object (and unwrapped afterwards) and logged as BEGIN/COMMIT/
    ROLLBACK events: each statement is then known to belong to transaction n, or to none
    (autocommit). That separates the intake's transaction from any other a request runs (such
    as a rate limiter's own)."""
    from django.db import connections

    conn = connections["default"]
    # Open the connection first: its set-up statements (isolation level…) are not the request's.
    conn.ensure_connection()
    events, state = [], {"open": None, "count": 0}

    def record(execute, sql, params, many, context):
        event = {"kind": "statement", "transaction": state["open"], "sql": sql, "params": params}
        events.append(event)
        result = execute(sql, params, many, context)
        # What reached the database, after any inner wrapper (an index hint) rewrote it.
        event["executed"] = conn.ops.last_executed_query(context["cursor"], sql, params)
        return result

    def set_autocommit(autocommit):
        if not autocommit and state["open"] is None:
            state["count"] += 1
            state["open"] = state["count"]
            events.append({"kind": "BEGIN", "transaction": state["open"]})
        return original["_set_autocommit"](autocommit)

    def ended(kind):
        def end():
            result = original[f"_{kind.lower()}"]()
            if state["open"] is not None:
                events.append({"kind": kind, "transaction": state["open"]})
                state["open"] = None
            return result
        return end

    original = {name: getattr(conn, name) for name in TRANSACTION_HOOKS}
    conn._set_autocommit = set_autocommit
    conn._commit, conn._rollback = ended("COMMIT"), ended("ROLLBACK")
    try:
        with conn.execute_wrapper(record):
            yield events
    finally:
        for name in TRANSACTION_HOOKS:
            delattr(conn, name)  # the class's methods again


def statement_counts(events: list[dict]) -> dict:
    """Statements of a whole request, and those between the BEGIN and the COMMIT of the
    transaction that inserts into ``accountlines`` (the intake's), from ``recorded_statements``."""
    statements = [e for e in events if e["kind"] == "statement"]
    intake = intake_transaction(events)
    inside = [s for s in statements if intake is not None and s["transaction"] == intake]
    others = {s["transaction"] for s in statements} - {None, intake}
    return {
        "total": len(statements),
        "in_transaction": len(inside),
        "in_other_transactions": sum(1 for s in statements if s["transaction"] in others),
        "other_transactions": len(others),
        "autocommit": sum(1 for s in statements if s["transaction"] is None),
        "intake_committed": any(e["kind"] == "COMMIT" and e["transaction"] == intake
                                for e in events),
    }


def listing(events: list[dict], intake_transaction: int | None = None) -> list[str]:
    """One line per event: T = inside the intake's transaction, t = inside another one."""
    lines = []
    for e in events:
        if e["kind"] != "statement":
            lines.append(f"-- {e['kind']} (transaction {e['transaction']})")
            continue
        mark = " "
        if e["transaction"] is not None:
            mark = "T" if e["transaction"] == intake_transaction else "t"
        lines.append(f"{mark} " + " ".join(e["sql"].split())[:160])
    return lines


def intake_transaction(events: list[dict]) -> int | None:
    return next((e["transaction"] for e in events if e["kind"] == "statement"
                 and e["transaction"] is not None and INSERT_ACCOUNTLINES.match(e["sql"])), None)


def _client_and_token(fixture):
    from django.test import Client

    client = Client()
    response = client.post("/api/v1/oauth/token", {
        "grant_type": "client_credentials", "client_id": fixture["client_id"],
        "client_secret": fixture["client_secret"],
    })
    if response.status_code != 200:
        raise SystemExit(f"token endpoint answered {response.status_code}")
    return client, response.json()["access_token"]


def _intake(client, token, fixture, n):
    patrons = range(fixture["patrons"][0], fixture["patrons"][1] + 1)
    register = fixture["registers"][n % len(fixture["registers"])]
    key = f"inprocess-{uuid.uuid4().hex}"
    body = {"debit_type": fixture["debit_type"], "amount": "2.50", "payment_type": "CASH",
            "register_id": register["id"], "description": "Printing", "external_id": key}
    return client.post(
        PAYMENTS_PATH.format(patron=patrons[n % len(patrons)]), json.dumps(body),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def statements(fixture) -> dict:
    client, token = _client_and_token(fixture)
    runs = []
    for n in range(2):  # the first request of a process may fill caches; report both
        with recorded_statements() as events:
            response = _intake(client, token, fixture, n)
        runs.append({"status": response.status_code, **statement_counts(events),
                     "statements": listing(events, intake_transaction(events))})
    return {"first": runs[0], "steady": runs[1], "timing": _timing(client, token, fixture)}


def _timing(client, token, fixture, count: int = 20) -> dict:
    """Per intake: wall time of the whole request and the part spent inside ``execute`` (SQL
    round trips to MariaDB), averaged over ``count`` intakes."""
    from django.db import connection

    spent = {"sql": 0.0}

    def timed(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["sql"] += time.perf_counter() - began

    began = time.perf_counter()
    with connection.execute_wrapper(timed):
        for n in range(2, count + 2):
            _intake(client, token, fixture, n)
    total = time.perf_counter() - began
    return {"intakes": count, "request_ms": round(total / count * 1000, 2),
            "sql_ms": round(spent["sql"] / count * 1000, 2)}


def profile(fixture, count: int) -> dict:
    """Self time by package and cumulative time of the heaviest project functions."""
    client, token = _client_and_token(fixture)
    _intake(client, token, fixture, 0)
    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.enable()
    statuses = defaultdict(int)
    for n in range(1, count + 1):
        statuses[_intake(client, token, fixture, n).status_code] += 1
    profiler.disable()
    wall = time.perf_counter() - began
    stats = pstats.Stats(profiler)
    total = sum(entry[2] for entry in stats.stats.values())  # sum of self times
    return {
        "requests": count, "statuses": dict(statuses),
        "ms_per_request_profiled": round(wall / count * 1000, 2),
        "self_time_by_package": _by_package(stats, total),
        "top_cumulative": _top_cumulative(stats, total, count),
    }


def _package(filename: str, name: str) -> str:
    if filename == "~":  # C functions: the driver's round trips show up here
        driver = "_mysql" in name or "Connection." in name
        return "MySQLdb (C driver: waiting for MariaDB)" if driver else "builtins"
    for marker in ("/site-packages/", "/dist-packages/"):
        if marker in filename:
            return filename.split(marker, 1)[1].split("/", 1)[0]
    parts = filename.split("/")
    for app in PROJECT_PACKAGES:
        if app in parts[:-1]:
            return f"{app} (kohapay)"
    return "python stdlib"


def _by_package(stats, total) -> list:
    shares = defaultdict(float)
    for (filename, _, name), entry in stats.stats.items():
        shares[_package(filename, name)] += entry[2]
    ranked = sorted(shares.items(), key=lambda kv: -kv[1])
    return [{"package": k, "share": round(v / total, 3)} for k, v in ranked[:12]]


def _top_cumulative(stats, total, count) -> list:
    """The heaviest functions below the test client: project code and the framework's layers."""
    interesting = (*(f"{p}/" for p in PROJECT_PACKAGES), "rest_framework/", "oauth2_provider/",
                   "MySQLdb/")
    rows = []
    for (filename, line, name), entry in stats.stats.items():
        if any(mark in filename for mark in interesting):
            rows.append((entry[3], f"{_short(filename)}:{line} {name}"))
    rows.sort(reverse=True)
    return [{"function": f, "share": round(c / total, 3), "ms_per_request": round(c / count * 1000, 2)}
            for c, f in rows[:25]]


def _short(filename: str) -> str:
    if "/site-packages/" in filename:
        return filename.split("/site-packages/", 1)[1]
    parts = filename.split("/")
    for index, part in enumerate(parts):
        if part in PROJECT_PACKAGES:
            return "/".join(parts[index:])
    return filename


if __name__ == "__main__":
    django.setup()
    what, fixture = sys.argv[1], json.loads(sys.argv[2])
    result = statements(fixture) if what == "statements" else profile(fixture, int(sys.argv[3]))
    print(json.dumps(result))
