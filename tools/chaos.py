"""``make chaos``: restart MariaDB in the middle of a burst of intakes, then prove nothing was lost
and nothing recorded twice.

    python tools/chaos.py [--requests 500] [--clients 8] [--restart-after 150]

1. Builds a scratch database ``kp_bench_chaos`` (Koha's tables, migrations, 2,000 patrons, four
   registers, an API client — the benchmark's fixture) and serves kohapay with gunicorn on
   127.0.0.1 with production settings (``KOHAPAY_HTTPS=0``).
2. Fires ``--requests`` intakes, each with its own ``Idempotency-Key``, from ``--clients`` threads
   (paced, ~10 requests/s per client) and, once ``--restart-after`` have been answered, stops
   MariaDB (``CHAOS_DB_STOP``, default ``mysqladmin -uroot shutdown``) and starts it again
   (``CHAOS_DB_START``, default ``start-stop-daemon … /usr/sbin/mariadbd``), waiting for it to
   answer ``mysqladmin ping``.
3. Requires every answer to be a 201 or a JSON 5xx in Koha's error shape; then retries every
   request that did not get a 201, with its key, until it does.
4. Requires exactly one payment per key, exactly the rows of that many payments and nothing
   else, and a clean ``manage.py verify_ledger``. Prints the figures; exits 1 on any failure.

It restarts the machine's MariaDB: never in CI, never on a server others use at that moment.
Bounded: the burst is ``--requests`` long, every wait has a timeout, gunicorn is always stopped,
and MariaDB is started again whatever happens (``finally``).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import shlex
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.bench import databases, environment, setup_db  # noqa: E402
from tools.bench.servers import gunicorn  # noqa: E402

DATABASE = "kp_bench_chaos"  # the kp_bench_ prefix: the only names bench.databases may drop
STOP = os.environ.get("CHAOS_DB_STOP", "mysqladmin -uroot shutdown")
START = os.environ.get("CHAOS_DB_START", "start-stop-daemon --start --oknodo --background "
                                         "--exec /usr/sbin/mariadbd -- --user=mysql")
PING = "mysqladmin -uroot --connect-timeout=2 ping"
PAYMENTS = "/api/v1/patrons/{}/account/payments"
RESULTS = ROOT / "var" / "chaos" / "results.json"


def main(argv=None) -> int:
    args = parse_args(argv)
    if not database_answers():
        raise SystemExit("MariaDB does not answer `mysqladmin ping`: start it first.")
    log(f"building {DATABASE} …")
    fixture = setup_db.build(DATABASE)
    env = {**environment.kohapay_env(DATABASE), "KOHAPAY_API_RATE": "1000000/min"}
    try:
        with gunicorn("kohapay.wsgi", env, "chaos", args.workers) as port:
            figures = run(port, fixture, args)
    finally:
        ensure_database_up()
    figures["verify_ledger"] = verify_ledger()
    figures["rows"] = databases.count_rows(DATABASE)
    figures["payments_per_key"] = payments_per_key()
    failures = judge(figures, args.requests)
    figures["failures"] = failures
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=1))
    print(json.dumps({k: v for k, v in figures.items() if k != "log"}, indent=1))
    log("PASS" if not failures else "FAIL: " + "; ".join(failures))
    return 1 if failures else 0


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="tools/chaos.py", description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--restart-after", type=int, default=150,
                        help="answers received before MariaDB is stopped (default 150)")
    parser.add_argument("--pause", type=float, default=0.1,
                        help="seconds each client waits between its requests (default 0.1)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--no-restart", action="store_true",
                        help="the same burst and checks without touching MariaDB (a dry run)")
    return parser.parse_args(argv)


# --- the burst ---------------------------------------------------------------------------------
def run(port: int, fixture: dict, args) -> dict:
    token = get_token(port, fixture)
    plan = [intake(fixture, n) for n in range(args.requests)]
    answers: dict[int, dict] = {}
    restart = threading.Thread(target=restart_when, args=(answers, args.restart_after),
                               daemon=True)
    if not args.no_restart:
        restart.start()
    started = time.monotonic()
    burst(port, token, plan, answers, args.clients, args.pause)
    burst_seconds = time.monotonic() - started
    if not args.no_restart:
        restart.join(timeout=180)
    wait_until_healthy(port)
    retries = retry_failed(port, token, plan, answers)
    return summarise(answers, retries, burst_seconds, args)


def intake(fixture: dict, n: int) -> dict:
    """Request ``n``: its own key and patron, a register of the fixture, a varied amount."""
    first, last = fixture["patrons"]
    register = fixture["registers"][n % len(fixture["registers"])]
    key = f"chaos-{int(time.time())}-{n}"
    return {"patron": first + n % (last - first + 1), "key": key, "body": {
        "debit_type": fixture["debit_type"], "amount": f"{1 + n % 20}.{n % 100:02d}",
        "payment_type": "CASH", "register_id": register["id"], "external_id": key}}


def burst(port, token, plan, answers, clients, pause) -> None:
    work = queue.Queue()
    for n in range(len(plan)):
        work.put(n)

    def client():
        while True:
            try:
                n = work.get_nowait()
            except queue.Empty:
                return
            answers[n] = send(port, token, plan[n])
            time.sleep(pause)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)


def send(port: int, token: str, request: dict) -> dict:
    """One intake; the answer classified (status, JSON error shape, replay)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", PAYMENTS.format(request["patron"]), json.dumps(request["body"]),
                     {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                      "Idempotency-Key": request["key"]})
        response = conn.getresponse()
        raw = response.read()
        replayed = response.getheader("Idempotent-Replayed") == "true"
        content_type = response.getheader("Content-Type", "")
    except OSError as exc:
        return {"status": None, "error": f"{type(exc).__name__}: {exc}"}
    finally:
        conn.close()
    return {"status": response.status, "replayed": replayed,
            "koha_json": koha_shaped(raw, content_type), "time": time.monotonic()}


def koha_shaped(raw: bytes, content_type: str) -> bool:
    try:
        body = json.loads(raw)
    except ValueError:
        return False
    return content_type.startswith("application/json") and isinstance(body, dict) and (
        "payment_id" in body or {"error", "error_code"} <= set(body))


# --- MariaDB -----------------------------------------------------------------------------------
def restart_when(answers: dict, after: int) -> None:
    deadline = time.monotonic() + 300
    while len(answers) < after and time.monotonic() < deadline:
        time.sleep(0.02)
    log(f"{len(answers)} answers so far: stopping MariaDB ({STOP})")
    restart_log["stop_requested"] = time.monotonic()
    shell(STOP, timeout=120)
    wait_for(lambda: not database_answers(), 60, "MariaDB to stop")
    restart_log["stopped"] = time.monotonic()
    log(f"MariaDB stopped; starting it ({START})")
    shell(START, timeout=60)
    wait_for(database_answers, 120, "MariaDB to answer again")
    restart_log["up"] = time.monotonic()
    log("MariaDB answers again")


restart_log: dict[str, float] = {}


def database_answers() -> bool:
    return subprocess.run(shlex.split(PING), capture_output=True, timeout=30).returncode == 0


def ensure_database_up() -> None:
    """Whatever happened: leave MariaDB running (others share it)."""
    if not database_answers():
        log("MariaDB is down: starting it")
        shell(START, timeout=60)
        wait_for(database_answers, 120, "MariaDB to answer again")


def shell(command: str, timeout: float) -> None:
    done = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        log(f"`{command}` exited {done.returncode}: {done.stderr.strip()[:300]}")


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.2)


def wait_until_healthy(port: int) -> None:
    def healthy():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("GET", "/healthz")
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    wait_for(healthy, 120, "/healthz to answer 200")


# --- after the restart -------------------------------------------------------------------------
def retry_failed(port: int, token: str, plan: list[dict], answers: dict) -> dict:
    """Retry every request that did not get a 201, with its own key, until it does."""
    retries = {}
    for n, answer in sorted(answers.items()):
        if answer.get("status") == 201:
            continue
        for attempt in range(1, 6):
            again = send(port, token, plan[n])
            if again.get("status") == 201:
                retries[n] = {**again, "attempts": attempt}
                break
            time.sleep(attempt)
        else:
            retries[n] = {**again, "attempts": 5}
    return retries


def get_token(port: int, fixture: dict) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    form = urllib.parse.urlencode({"grant_type": "client_credentials",
                                   "client_id": fixture["client_id"],
                                   "client_secret": fixture["client_secret"]})
    conn.request("POST", "/api/v1/oauth/token", form,
                 {"Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    body = json.loads(response.read())
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"no token: {response.status} {body}")
    return body["access_token"]


def payments_per_key() -> dict:
    """How many keys have a payment, and the most payments any one key has."""
    conn = databases.connect(DATABASE)
    try:
        cursor = conn.cursor()
        cursor.execute("SELECT COUNT(*), COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n "
                       "FROM kohapay_intake GROUP BY idempotency_key) AS per_key")
        keys, most = cursor.fetchone()
        cursor.execute("SELECT COUNT(*) FROM accountlines WHERE credit_type_code = 'PAYMENT'")
        return {"keys": keys, "most_per_key": most, "payments": cursor.fetchone()[0]}
    finally:
        conn.close()


def verify_ledger() -> dict:
    done = environment.manage(DATABASE, "verify_ledger", check=False)
    return {"exit_code": done.returncode, "output": (done.stdout + done.stderr).strip()}


def summarise(answers: dict, retries: dict, burst_seconds: float, args) -> dict:
    statuses = Counter(str(a.get("status")) for a in answers.values())
    outage = (restart_log.get("up", 0) - restart_log.get("stop_requested", 0)) or None
    return {
        "requests": args.requests, "clients": args.clients, "burst_seconds": round(burst_seconds, 1),
        "mariadb_restart_seconds": round(outage, 1) if outage else None,
        "answers": dict(statuses),
        "created_in_burst": sum(1 for a in answers.values() if a.get("status") == 201),
        "server_errors_in_burst": sum(1 for a in answers.values() if (a.get("status") or 0) >= 500),
        "not_koha_shaped": sum(1 for a in answers.values()
                               if a.get("status") is None or not a.get("koha_json")),
        "retried": len(retries),
        "retries_replayed": sum(1 for r in retries.values() if r.get("replayed")),
        "retries_created": sum(1 for r in retries.values()
                               if r.get("status") == 201 and not r.get("replayed")),
        "retries_still_failing": sum(1 for r in retries.values() if r.get("status") != 201),
        "retry_attempts": sum(r["attempts"] for r in retries.values()),
    }


def judge(figures: dict, requests: int) -> list[str]:
    failures = []
    bad = {s for s in figures["answers"] if s != "201" and not s.startswith("5")}
    if bad or figures["not_koha_shaped"]:
        failures.append(f"answers other than 201 or a JSON 5xx: {figures['answers']}, "
                        f"{figures['not_koha_shaped']} not in Koha's shape")
    if figures["retries_still_failing"]:
        failures.append(f"{figures['retries_still_failing']} requests never got their 201")
    expected = {t: requests * n for t, n in databases.ROWS_PER_PAYMENT.items()}
    if figures["rows"] != expected:
        failures.append(f"rows {figures['rows']} != one payment per key {expected}")
    per_key = figures["payments_per_key"]
    if (per_key["keys"], per_key["most_per_key"], per_key["payments"]) != (requests, 1, requests):
        failures.append(f"not exactly one payment per key: {per_key}")
    if figures["verify_ledger"]["exit_code"] != 0:
        failures.append("verify_ledger found anomalies")
    return failures


def log(message: str) -> None:
    print(f"[chaos {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
