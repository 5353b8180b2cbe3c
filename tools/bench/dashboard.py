"""Section 5: the dashboard's pages timed in-process (Django's test Client, logged in as a finance
user, production settings) next to the hand-written SQL of ``dashboard_sql`` over the same range.
Before timing, each page's figures (read from its template context) are compared with the raw
SQL's (``dashboard_figures``): the ratio is only meaningful if both compute the same numbers.

``python -m tools.bench.dashboard RUNS [INDEX …]`` — run by the harness on one seeded database
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
from contextlib import contextmanager
from datetime import UTC, timedelta

import django
from django.test.utils import setup_test_environment, teardown_test_environment

from tools.bench import dashboard_figures, dashboard_sql
from tools.bench.inprocess import recorded_statements
from tools.bench.raw_sql import Runner, midnights

TRIAL_INDEX = "kp_bench_trial"
FINANCE_GROUP = "Finance staff"


def measure(runs: int, trial_indexes: list[str]) -> dict:
    for columns in trial_indexes:
        if not re.fullmatch(r"[a-z_]+(,[a-z_]+)*", columns):
            raise SystemExit(f"not a column list: {columns!r}")
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    _drop_trial_index()  # left over by an interrupted run
    target = _target()
    client = Client(raise_request_exception=False)  # a failing page is reported as its status
    user, role = _finance_user()
    client.force_login(user)
    result = {**{k: str(v) for k, v in target.items()}, "user": role, "lines": _count_lines(),
              "time_zone": settings.KOHA_TIME_ZONE}
    result["baseline"] = _measure_pages(client, connection, target, runs, first_pass=True)
    result["trials"] = {}
    for columns in trial_indexes:
        with connection.cursor() as cur:
            cur.execute(f"ALTER TABLE accountlines ADD INDEX {TRIAL_INDEX} ({columns})")
        try:
            result["trials"][columns] = _measure_pages(client, connection, target, runs)
        finally:
            _drop_trial_index()
    return result


def _pages(target) -> dict:
    """page name → (URL, the raw SQL computing its figures, as a function of a Runner)."""
    day, first, register = target["day"], target["first"], target["register"]
    return {
        "overview": (f"/registers/?date={day}", lambda run: dashboard_sql.overview(run, day)),
        "register_30d": (f"/registers/{register}/?from={first}&to={day}",
                         lambda run: dashboard_sql.register_range(run, register, first, day)),
        "day": (f"/registers/{register}/{day}/",
                lambda run: dashboard_sql.day_page(run, register, day)),
        "journal_30d": (f"/registers/journal/?from={first}&to={day}&view=all",
                        lambda run: dashboard_sql.journal(run, first, day)),
    }


def _measure_pages(client, connection, target, runs, first_pass=False) -> dict:
    """Each page and its raw SQL, timed; on the first pass also the queries, the figure check
    and the raw SQL's plans."""
    measured = {}
    for name, (url, raw) in _pages(target).items():
        page = _page_facts(client, url, first_pass)
        with connection.cursor() as cur:
            if first_pass:
                runner = Runner(cur)
                page["figures"] = _check(client, url, name, raw(runner))
                page["raw_sql_queries"] = len(runner.executed)
                page["raw_sql_plan"] = _explain(cur, runner.executed)
            if page["status"] == 200:
                page["page_ms"], page["raw_sql_ms"] = _paired_medians_ms(
                    lambda: client.get(url), lambda: raw(Runner(cur)), runs)
            else:
                page["raw_sql_ms"] = _paired_medians_ms(
                    lambda: None, lambda: raw(Runner(cur)), runs)[1]
        page.update({"url": url, "ratio": round(page["page_ms"] / page["raw_sql_ms"], 2)
                     if page["status"] == 200 else None})
        measured[name] = page
    return measured


def _check(client, url, name, found) -> dict:
    """The page's figures (read from its template context) against the raw SQL's."""
    with _template_context_recorded():
        response = client.get(url)
    if response.status_code != 200 or response.context is None:
        return {"match": False, "differences": [f"page answered {response.status_code}"]}
    page = dashboard_figures.FROM_PAGE[name](response.context)
    diffs = dashboard_figures.differences(page, dashboard_figures.FROM_RAW[name](found))
    return {"match": not diffs, "differences": diffs,
            "compared": dashboard_figures.summary(name, page)}


@contextmanager
def _template_context_recorded():
    """Django's test instrumentation (``response.context``) for one request, not for the timed
    ones; under a test runner it is already on."""
    try:
        setup_test_environment(debug=False)
    except RuntimeError:  # already set up (pytest-django)
        yield
        return
    try:
        yield
    finally:
        teardown_test_environment()


def _page_facts(client, url, with_queries) -> dict:
    """Status and size of the page; on the first pass also its queries and their plans."""
    response = client.get(url)  # warm-up: templates compiled, caches filled
    page = {"status": response.status_code, "bytes": len(response.content)}
    if response.status_code != 200:
        return {**page, "page_ms": None, "queries": None}
    if with_queries:
        with recorded_statements() as events:
            client.get(url)
        statements = [(e["executed"], None) if e.get("executed") else (e["sql"], e["params"])
                      for e in events if e["kind"] == "statement"]
        page["queries"] = len(statements)
        page["page_plan"] = _explain_page(statements)
    return page


def _paired_medians_ms(page, raw, runs: int) -> tuple[float, float]:
    """Median wall time of ``page`` and of ``raw``, timed in alternation (page, raw, page, raw…)
    after one warm-up of each: a machine whose speed drifts during the measurement (a shared
    host) then slows both alike, and their ratio stays meaningful."""
    page(), raw()
    samples = ([], [])
    for _ in range(runs):
        for action, times in zip((page, raw), samples):
            began = time.perf_counter()
            action()
            times.append(time.perf_counter() - began)
    return tuple(round(statistics.median(times) * 1000, 2) for times in samples)


def _explain(cur, executed) -> list[str]:
    """How each read of accountlines is done (EXPLAIN: table, key, estimated rows), for the
    statements that read more than a row or two of it."""
    plans = []
    for sql, params in executed:
        if "accountlines" not in sql or not sql.lstrip().upper().startswith(("SELECT", "(")):
            continue
        cur.execute("EXPLAIN " + sql, params)
        columns = [c[0] for c in cur.description]
        for row in cur.fetchall():
            info = dict(zip(columns, row))
            if _estimated_rows(info.get("rows")) > 2:
                plans.append(f"{info['table']}: key={info.get('key')} rows≈{info.get('rows')}")
    return plans


def _estimated_rows(value) -> int:
    """MariaDB gives EXPLAIN's row estimate as text, sometimes with a share: '6060 (27%)'."""
    return int(str(value or 0).split()[0])


def _explain_page(statements) -> list[str]:
    from django.db import connection

    with connection.cursor() as cur:
        return _explain(cur, statements)


def _target() -> dict:
    """The last full local day (KOHA_TIME_ZONE), the 30 days ending with it, and the busiest
    active register over those days."""
    from django.db import connection

    from registers.selectors import local_time

    with connection.cursor() as cur:
        cur.execute("SELECT MAX(date) FROM accountlines WHERE register_id IS NOT NULL")
        last = cur.fetchone()[0]
        if last is None:
            raise SystemExit("no register lines in this database: seed it first (make bench-data)")
        day = local_time(last.replace(tzinfo=UTC)).date() - timedelta(days=1)
        first = day - timedelta(days=29)
        bounds = midnights(first, day)
        cur.execute(
            "SELECT a.register_id FROM accountlines a JOIN cash_registers r ON r.id = a.register_id"
            " WHERE r.archived = 0 AND a.date >= %s AND a.date < %s GROUP BY a.register_id"
            " ORDER BY COUNT(*) DESC LIMIT 1", [bounds[0], bounds[-1]],
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
