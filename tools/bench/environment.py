"""Environments for the processes the harness starts: kohapay with production settings on a
benchmark database, the framework floor, and in-process measurements."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys

from tools.bench import databases
from tools.bench.servers import ROOT

# One random key per harness run: production settings refuse to start without one.
SECRET_KEY = secrets.token_urlsafe(50)

# The rate limits stay ON, so every request pays for counting itself, but far above anything the
# load generator can send, so they never refuse one (the benchmark measures throughput; a 429
# would be a cheap non-answer). Reported in the header of docs/benchmarks.md.
RATE_LIMITS = {
    "KOHAPAY_API_RATE": "100000000/min",
    "KOHAPAY_TOKEN_RATE": "100000000/min",
}


def kohapay_env(database: str, *, in_process: bool = False) -> dict:
    """kohapay's production settings (DEBUG off, no HTTPS redirect on loopback) on ``database``,
    built from scratch: no ``KOHAPAY_*`` variable of the caller's shell leaks in, so every run
    measures the same configuration (the rate limits: ``RATE_LIMITS``). ``in_process`` adds
    Django's test-client host name for measurements made without HTTP."""
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("KOHAPAY_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update({
        "DJANGO_SETTINGS_MODULE": "kohapay.settings",
        "DATABASE_URL": databases.database_url(database),
        "KOHAPAY_DEBUG": "0",
        "KOHAPAY_SECRET_KEY": SECRET_KEY,
        "KOHAPAY_HTTPS": "0",
        "KOHAPAY_ALLOWED_HOSTS": "127.0.0.1,testserver" if in_process else "127.0.0.1",
        "KOHA_TIME_ZONE": "UTC",
        "PYTHONPATH": str(ROOT),
        **RATE_LIMITS,
    })
    return env


def floor_env(database: str) -> dict:
    env = kohapay_env(database)
    env["DJANGO_SETTINGS_MODULE"] = "tools.bench.floor_app.settings"
    return env


def manage(database: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """``manage.py <args>`` against a benchmark database, output captured."""
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=kohapay_env(database),
        capture_output=True, text=True, check=check,
    )


def module(database: str, name: str, *args: str, timeout: float | None = None,
           env: dict | None = None) -> str:
    """Run ``python -m tools.bench.<name>`` with kohapay's settings on ``database`` (plus ``env``);
    return stdout."""
    done = subprocess.run(
        [sys.executable, "-m", f"tools.bench.{name}", *args], cwd=ROOT,
        env={**kohapay_env(database, in_process=True), **(env or {})}, capture_output=True,
        text=True, timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"tools.bench.{name} failed:\n{done.stderr[-4000:]}")
    return done.stdout
