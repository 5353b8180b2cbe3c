"""Section 5: the dashboard's pages timed in-process (Django's test Client, logged in as a finance
user, production settings) next to the hand-written SQL of ``dashboard_sql`` over the same range.

``python -m bench.dashboard RUNS [INDEX …]`` — run by the harness on one seeded database
(``kp_bench_100k`` …); prints JSON. Each INDEX (e.g. ``register_id,date``) is an optional DBA
index measured by adding it, timing again and dropping it: kohapay never alters Koha's tables,
and the benchmark database is left as it was found.
"""
from __future__ import annotations

import json
import re
import statistics
import sys
import time
from datetime import date, timedelta

import django

from bench import dashboard_sql
from bench.inprocess import recorded_statements

TRIAL_INDEX = "kp_bench_trial"
FINANCE_GROUP = "Finance staff"


def measure(runs: int, trial_indexes: list[str]) -> dict:
    for columns in trial_indexes:
        if not re.fullmatch(r"[a-z_]+(,[a-z_]+)*", columns):
            raise SystemExit(f"not a column list: {columns!r}")
    from django.db import connection
    from django.test import Client

    _drop_trial_index()  # left over by an interrupted run
    target = _target()
    client = Client(raise_request_exception=False)  # a failing page is reported as its status
    user, role = _finance_user()
    client.force_login(user)
    result = {**{k: str(v) for k, v in target.items()}, "user": role, "lines": _count_lines()}
    result["baseline"] = _measure_pages(client, connection, target, runs, with_queries=True)
    result["trials"] = {}
    for columns in trial_indexes:
        with connection.cursor() as cur:
            cur.execute(f"ALTER TABLE accountlines ADD INDEX {TRIAL_INDEX} ({columns})")
        try:
            result["trials"][columns] = _measure_pages(client, connection, target, runs)
        finally:
            _drop_trial_index()
    return result


def _measure_pages(client, connection, target, runs, with_queries=False) -> dict:
    day, first, register = target["day"], target["first"], target["register"]
    pages = {
        "overview": (f"/registers/?date={day}", dashboard_sql.overview(day)),
        "register_30d": (f"/registers/{register}/?from={first}&to={day}",
                         dashboard_sql.register_range(register, first, day)),
        "day": (f"/registers/{register}/{day}/", dashboard_sql.day_page(register, day)),
    }
    measured = {}
    for name, (url, queries) in pages.items():
        page = _time_page(client, url, runs, with_queries)
        with connection.cursor() as cur:
            raw_ms = _median_ms(lambda: dashboard_sql.execute_all(cur, queries), runs)
            explain = _explain(cur, queries) if with_queries else None
        page.update({"url": url, "raw_sql_ms": raw_ms, "raw_sql_queries": len(queries),
                     "ratio": round(page["page_ms"] / raw_ms, 2) if page["status"] == 200 else None})
        if explain:
            page["raw_sql_plan"] = explain
        measured[name] = page
    return measured


def _time_page(client, url, runs, with_queries) -> dict:
    response = client.get(url)  # warm-up: templates compiled, caches filled
    page = {"status": response.status_code, "bytes": len(response.content)}
    if response.status_code != 200:
        return {**page, "page_ms": None, "queries": None}
    if with_queries:
        with recorded_statements() as recorded:
            client.get(url)
        page["queries"] = len(recorded)
    page["page_ms"] = _median_ms(lambda: client.get(url), runs)
    return page


def _median_ms(action, runs: int) -> float:
    action()
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        samples.append(time.perf_counter() - began)
    return round(statistics.median(samples) * 1000, 2)


def _explain(cur, queries) -> list[str]:
    """Which index each range query's accountlines access uses (EXPLAIN's key), and rows."""
    plans = []
    for sql, params in queries:
        if "accountlines" not in sql or not params:
            continue
        cur.execute("EXPLAIN " + sql, params)
        columns = [c[0] for c in cur.description]
        for row in cur.fetchall():
            info = dict(zip(columns, row))
            if info.get("table") in ("a", "c"):
                plans.append(f"{info['table']}: key={info.get('key')} rows≈{info.get('rows')}")
    return plans


def _target() -> dict:
    """The busiest active register over the last 30 full days, and the last full day."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT DATE(MAX(date)) FROM accountlines WHERE register_id IS NOT NULL")
        last = cur.fetchone()[0]
        if last is None:
            raise SystemExit("no register lines in this database: seed it first (make bench-data)")
        day = last - timedelta(days=1)
        first = day - timedelta(days=29)
        cur.execute(
            "SELECT a.register_id FROM accountlines a JOIN cash_registers r ON r.id = a.register_id"
            " WHERE r.archived = 0 AND a.date >= %s AND a.date < %s GROUP BY a.register_id"
            " ORDER BY COUNT(*) DESC LIMIT 1", dashboard_sql.day_bounds(first, day),
        )
        register = cur.fetchone()[0]
    return {"register": register, "day": day, "first": first}


def _count_lines() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM accountlines")
        return cur.fetchone()[0]


def _finance_user():
    """A user in the Finance staff group (issue 4's data migration); a superuser if the group
    does not exist yet (then say so in the report)."""
    from django.contrib.auth.models import Group, User

    user, _ = User.objects.get_or_create(username="bench-finance")
    group = Group.objects.filter(name=FINANCE_GROUP).first()
    if group:
        user.groups.add(group)
        return user, f"member of '{FINANCE_GROUP}'"
    user.is_staff = user.is_superuser = True
    user.save()
    return user, f"superuser (no '{FINANCE_GROUP}' group in this database)"


def _drop_trial_index() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW INDEX FROM accountlines WHERE Key_name = %s", [TRIAL_INDEX])
        if cur.fetchall():
            cur.execute(f"ALTER TABLE accountlines DROP INDEX {TRIAL_INDEX}")


if __name__ == "__main__":
    django.setup()
    print(json.dumps(measure(int(sys.argv[1]), sys.argv[2:]), default=str))
