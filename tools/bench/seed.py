"""``make bench-data``: the dashboard's benchmark databases, seeded by ``manage.py seed_demo``.

Sizes are named by their accountlines count (``100k``, ``1m``, ``5m``, or any ``<n>k``/``<n>m``).
Every size is seeded at the same rate (``PER_DAY`` charge-and-pay payments a day, about two lines
each) and differs only in the number of days of history, so a fixed date range (the last 30 days)
holds the same lines at every size: what changes with size is only what lies outside the range.
A database is created only when missing (or too small); seeding 5 m lines takes minutes.
"""
from __future__ import annotations

import math
import subprocess
import sys
import time

from tools.bench import databases, environment
from tools.bench.servers import LOG_DIR, ROOT

PER_DAY = 1000
DEFAULT_SIZES = ("100k", "1m", "5m")


def parse_size(label: str) -> int:
    label = label.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(label[-1:])
    if factor is None or not label[:-1].isdigit():
        raise ValueError(f"size {label!r}: expected e.g. 100k, 1m, 5m")
    return int(label[:-1]) * factor


def lines_in(name: str) -> int | None:
    if not databases.exists(name):
        return None
    try:
        return databases.count_rows(name, ("accountlines",))["accountlines"]
    except Exception:  # a half-built database (interrupted seeding)
        return None


def ensure(label: str, log=print) -> dict:
    """Seed ``kp_bench_<label>`` unless it already holds (about) that many lines."""
    target, name = parse_size(label), databases.size_db(label)
    present = lines_in(name)
    if present is not None and present >= 0.8 * target:
        log(f"bench-data: {name} already has {present:,} accountlines")
        return {"database": name, "lines": present, "seeded_s": None}
    # seed_demo's history ends with today's partial day and adds a few payouts: one day more.
    days = math.ceil(target / (2 * PER_DAY)) + 1
    log(f"bench-data: seeding {name}: {days} days × {PER_DAY} payments …")
    databases.recreate(name)
    environment.manage(name, "koha_schema", "create")
    environment.manage(name, "migrate", "--noinput", "-v0")
    began = time.monotonic()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # not captured: seed_demo's progress bar shows on the terminal
        [sys.executable, "manage.py", "seed_demo", "--days", str(days), "--per-day", str(PER_DAY),
         "--credentials-file", str(LOG_DIR / f"credentials-{label}.txt")],
        cwd=ROOT, env=environment.kohapay_env(name), check=True,
    )
    seconds = round(time.monotonic() - began, 1)
    lines = lines_in(name)
    log(f"bench-data: {name}: {lines:,} accountlines in {seconds} s")
    return {"database": name, "lines": lines, "seeded_s": seconds}


def existing(labels) -> list[str]:
    """The sizes whose database is present and seeded."""
    return [label for label in labels if (lines_in(databases.size_db(label)) or 0) > 0]


if __name__ == "__main__":
    for size in (sys.argv[1:] or DEFAULT_SIZES):
        ensure(size)
