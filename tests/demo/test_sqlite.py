"""The demo path of `make run`, in subprocesses: the demo settings boot on SQLite, `koha_schema
create` + `migrate` + `seed_demo` build a database that keeps Koha's invariants, and the server
serves a page from it. (The rest of the suite runs on MariaDB; this is the demo's own check.)
"""
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture
def demo_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KOHAPAY_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="kohapay.settings", KOHAPAY_DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
    )
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(server: subprocess.Popen, url: str, deadline: float) -> int:
    """Status of ``url`` once the server answers (it needs a moment to start)."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status
        except OSError:
            assert server.poll() is None, server.stderr.read().decode()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_seed_demo_asks_for_the_koha_tables_first(demo_env):
    refused = manage(demo_env, "seed_demo", "--days", "1")

    assert refused.returncode != 0
    assert "Koha tables are missing" in refused.stderr and "koha_schema create" in refused.stderr


def test_the_demo_builds_on_sqlite_keeps_kohas_invariants_and_serves_a_page(demo_env, tmp_path):
    credentials = tmp_path / "credentials.txt"
    for args in (
        ["koha_schema", "create"], ["migrate", "--noinput", "-v0"],
        ["seed_demo", "--days", "2", "--per-day", "5", "--credentials-file", str(credentials)],
    ):
        done = manage(demo_env, *args)
        assert done.returncode == 0, done.stderr

    assert "account lines in" in done.stdout and credentials.exists()
    assert "userid: finance_officer" in credentials.read_text()  # Koha staff logins too
    with sqlite3.connect(tmp_path / "demo.sqlite3") as db:
        lines, outstanding = db.execute(
            "SELECT COUNT(*), SUM(amountoutstanding) FROM accountlines"
        ).fetchone()
        [charges_on_a_till] = db.execute(
            "SELECT COUNT(*) FROM accountlines"
            " WHERE debit_type_code <> 'PAYOUT' AND register_id IS NOT NULL"
        ).fetchone()
        [applies] = db.execute("SELECT COUNT(*) FROM account_offsets WHERE type = 'APPLY'").fetchone()
    assert lines >= 10 and lines == 2 * applies and outstanding == 0 and charges_on_a_till == 0

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT, env=demo_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        assert fetch(server, f"http://127.0.0.1:{port}/admin/login/", time.monotonic() + 60) == 200
        assert printed_discovery_calls(credentials.read_text(), port) == [200, 200]
        assert printed_sale(credentials.read_text(), port) == (201, "PURCHASE")
    finally:
        server.terminate()
        server.wait(timeout=15)


def key_token(printed: str, base: str) -> str:
    """A token of the demo Koha key whose credentials were printed first."""
    client_id, secret = (re.search(rf"{name}:\s+(\S+)", printed).group(1)
                         for name in ("client_id", "client_secret"))
    form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": client_id,
                                   "client_secret": secret}).encode()
    with urllib.request.urlopen(f"{base}/api/v1/oauth/token", data=form, timeout=30) as answer:
        return json.load(answer)["access_token"]


def printed_sale(printed: str, port: int) -> tuple[int, str]:
    """The demo Koha key's printed sale (issue 16), sent to the SQLite-served demo: its status
    and the type of the credit it wrote."""
    base = f"http://127.0.0.1:{port}"
    line = next(line for line in printed.splitlines() if "/sales " in line)
    path = re.search(r"http://127\.0\.0\.1:8000(\S+)", line).group(1)
    body = re.search(r"-d '(\{.*\})'", line).group(1).encode()
    request = urllib.request.Request(base + path, data=body, headers={
        "Authorization": f"Bearer {key_token(printed, base)}",
        "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.status, json.load(answer)["credit"]["type"]


def printed_discovery_calls(printed: str, port: int) -> list[int]:
    """The demo Koha key's printed discovery curls (its registers, a patron's account), sent with
    a token of that key to the SQLite-served demo: their statuses."""
    base = f"http://127.0.0.1:{port}"
    token = key_token(printed, base)
    paths = re.findall(r"curl -s http://127\.0\.0\.1:8000(/api/v1/(?:cash_registers|patrons/\d+"
                       r"/account)) ", printed)
    statuses = []
    for path in paths[:2]:  # the key's two (the kohapay client's follow)
        request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert json.load(answer) is not None
            statuses.append(answer.status)
    return statuses
