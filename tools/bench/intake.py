"""Sections 1–3 of the benchmark: intake throughput and latency per concurrency, next to the
physical floor, the framework floor and Koha's two-call flow, all in the same run — and, at each
concurrency, kohapay's sale of three items and its refund (``tools.bench.till``), against the
same floors.

kohapay writes into ``kp_bench_intake``; the floors and the two-call baseline write the same rows
into ``kp_bench_floor`` (built identically), so kohapay's database holds only kohapay's intakes
and the row check (and ``verify_ledger``) afterwards is exact.
"""
from __future__ import annotations

import http.client
import json
import time
import urllib.parse

from tools.bench import (
    cpu,
    databases,
    environment,
    loadgen,
    physical_floor,
    servers,
    setup_db,
    till,
)
from tools.bench.workload import PAYMENTS_PATH, Workload

WARMUP_SECONDS = 1.0
WARMUP_CLIENTS = 4


def run(clients: list[int], duration: float, workers: int, log=print) -> dict:
    run_id = time.strftime("%Y%m%d%H%M%S")
    log("intake: building kp_bench_intake and kp_bench_floor …")
    kohapay_fixture = setup_db.build(databases.INTAKE_DB)
    floor_fixture = setup_db.build(databases.FLOOR_DB)
    per_patron = till.debts_per_patron(len(clients) + 1, duration, setup_db.PATRONS)
    log(f"intake: {per_patron} outstanding debits per patron, for the payments of existing debits …")
    books = {"kohapay": till.DebtBook(setup_db.debts(databases.INTAKE_DB, per_patron)),
             "framework": till.DebtBook(setup_db.debts(databases.FLOOR_DB, per_patron))}
    kohapay_load = Workload(kohapay_fixture, run_id)
    floor_load = Workload(floor_fixture, run_id)
    before = databases.count_rows(databases.INTAKE_DB, VERIFIED_TABLES)
    results = {"clients": clients, "duration_s": duration, "workers": workers,
               "gunicorn": " ".join(servers.gunicorn_args(workers)),
               "rate_limits": dict(environment.RATE_LIMITS),
               "client_made_by": kohapay_fixture["client_made_by"], "per_clients": {},
               "debts_per_patron": per_patron, "floor_rows": [],
               "failures": [], "fixture": kohapay_fixture}
    with servers.gunicorn("kohapay.wsgi:application",
                          environment.kohapay_env(databases.INTAKE_DB), "kohapay", workers) as kport, \
         servers.gunicorn("tools.bench.floor_app.wsgi:application",
                          environment.floor_env(databases.FLOOR_DB), "floor", workers) as fport:
        token, missing = _kohapay_token(kport, kohapay_fixture)
        results["kohapay_missing"] = missing
        contenders = _contenders(kport, fport, token, kohapay_load, floor_load, missing)
        ports = {"kohapay": kport, "framework": fport, "two_call": fport}
        kohapay_ok = _warm_up(contenders, ports, results["failures"], log)
        written = {"payment": kohapay_ok, "sale": 0, "refund": 0, "pay": 0}
        till_run = TillRun(kport, fport, token, {"kohapay": kohapay_load, "framework": floor_load},
                           books, results, log, measure_kohapay=contenders["kohapay"] is not None)
        _add(written, till_run.rows("warm", WARMUP_CLIENTS, WARMUP_SECONDS))
        database_pid = cpu.database_server_pid()
        for c in clients:
            with cpu.measured(None, database_pid) as spent:
                physical = physical_floor.run(databases.FLOOR_DB, floor_load, f"phys{c}", c,
                                              duration)
            row = {"physical": _checked(physical, "physical", c, results["failures"], log,
                                        spent)}
            for name, make_step in contenders.items():
                if make_step is None:
                    row[name] = None
                    continue
                with cpu.measured(servers.PIDS.get(ports[name]), database_pid) as spent:
                    result = loadgen.run(c, duration, loadgen.http_connector(ports[name]),
                                         make_step(f"c{c}", c))
                row[name] = _checked(result, name, c, results["failures"], log, spent)
            written["payment"] += row["kohapay"]["ok"] if row["kohapay"] else 0
            row.update(till_run.rows(f"c{c}", c, duration, measure=database_pid))
            _add(written, row)
            results["per_clients"][str(c)] = row
            log(f"intake: C={c} " + ", ".join(
                f"{k} {v['throughput']}/s p50 {v['p50_ms']} ms" for k, v in row.items() if v))
    results["verification"] = _verify(before, written, books["kohapay"])
    return results


WARM_UP = object()  # TillRun.rows' ``measure`` for the warm-up: nothing measured
# At each C, each till write next to its own framework floor (issue 18).
TILL_CONTENDERS = ("framework_sale", "kohapay_sale", "kohapay_refund", "framework_pay",
                   "kohapay_pay")
FLOOR_ROWS = {"framework_sale": till.ROWS_PER_SALE, "framework_pay": till.ROWS_PER_PAY}


class TillRun:
    """kohapay's sale of three items, its refund of 0.01 of those sales and its payment of one
    existing debit, each next to its own framework floor (a bare view writing the same rows)."""

    def __init__(self, kport, fport, token, loads, books, results, log, measure_kohapay=True):
        self.ports = {"kohapay": kport, "framework": fport}
        self.token, self.loads, self.books = token, loads, books
        self.results, self.log, self.measure_kohapay = results, log, measure_kohapay

    def _steps(self, tag: str, clients: int) -> dict:
        book, k, f = till.SaleBook(), self.loads["kohapay"], self.loads["framework"]
        steps = {
            "framework_sale": till.floor_sale_step(f, f"fs{tag}", clients),
            "framework_pay": till.floor_pay_step(f, f"fp{tag}", clients, self.books["framework"]),
        }
        if self.measure_kohapay:
            steps.update({
                "kohapay_sale": till.sale_step(k, self.token, f"s{tag}", clients, book),
                "kohapay_refund": till.refund_step(k, self.token, f"r{tag}", book),
                "kohapay_pay": till.pay_step(k, self.token, f"p{tag}", clients,
                                             self.books["kohapay"]),
            })
        return steps

    def rows(self, tag: str, clients: int, duration: float, measure=WARM_UP) -> dict:
        """One load per contender at ``clients``; ``measure``: MariaDB's pid (or None) to measure
        CPU, as for the payments. The floors' rows are counted before and after each load."""
        steps, rows = self._steps(tag, clients), {}
        failures, label = self.results["failures"], "warm-up" if measure is WARM_UP else clients
        for name in TILL_CONTENDERS:
            if name not in steps:
                continue
            port = self.ports[name.split("_")[0]]
            counted = databases.count_rows(databases.FLOOR_DB, VERIFIED_TABLES) \
                if name in FLOOR_ROWS else None
            if measure is WARM_UP:
                result = loadgen.run(clients, duration, loadgen.http_connector(port), steps[name])
                rows[name] = _checked(result, name, label, failures, self.log)
            else:
                with cpu.measured(servers.PIDS.get(port), measure) as spent:
                    result = loadgen.run(clients, duration, loadgen.http_connector(port),
                                         steps[name])
                rows[name] = _checked(result, name, label, failures, self.log, spent)
            if counted is not None:
                self.results["floor_rows"].append(
                    _floor_rows(name, label, counted, result.ok))
        return rows


def _floor_rows(name: str, clients, before: dict, ok: int) -> dict:
    """The floor's rows added by one load: exactly its 201s × the rows of kohapay's write."""
    after = databases.count_rows(databases.FLOOR_DB, VERIFIED_TABLES)
    tables = {table: {"added": after[table] - before[table],
                      "expected": ok * FLOOR_ROWS[name][table]} for table in VERIFIED_TABLES}
    return {"contender": name, "clients": clients, "tables": tables,
            "exact": all(t["added"] == t["expected"] for t in tables.values())}


def _add(written: dict, row: dict) -> None:
    written["sale"] += (row.get("kohapay_sale") or {}).get("ok", 0)
    written["refund"] += (row.get("kohapay_refund") or {}).get("ok", 0)
    written["pay"] += (row.get("kohapay_pay") or {}).get("ok", 0)


def _warm_up(contenders: dict, ports: dict, failures: list, log) -> int:
    """A short load on every contender (pools, caches, code paths); returns kohapay's 201s."""
    log("intake: warming up every contender …")
    kohapay_ok = 0
    for name, make_step in contenders.items():
        if make_step:
            warm = _checked(loadgen.run(WARMUP_CLIENTS, WARMUP_SECONDS,
                                        loadgen.http_connector(ports[name]),
                                        make_step("warm", WARMUP_CLIENTS)),
                            name, "warm-up", failures, log)
            kohapay_ok += warm["ok"] if name == "kohapay" else 0
    return kohapay_ok


def _checked(result: loadgen.LoadResult, name: str, clients, failures: list, log,
             spent: dict | None = None) -> dict:
    """The run's summary (with the CPU it cost per payment, when measured); any answer but a 201
    (or a failed transaction) is recorded and shouted: a benchmark that counts refusals as
    answers measures nothing."""
    summary = result.summary()
    if spent is not None:
        summary["cpu_ms_per_payment"] = cpu.per_payment_ms(spent, result.ok)
    if result.failed:
        failures.append({"contender": name, "clients": clients, "failures": summary["failures"],
                         "samples": summary["failure_samples"]})
        log(f"!!! {name} C={clients}: {result.failed} answers were not 201: "
            f"{summary['failures']}; first bodies: {summary['failure_samples']}")
    return summary


def _contenders(kport, fport, token, kohapay_load, floor_load, missing) -> dict:
    return {
        "framework": lambda tag, c: _floor_step(floor_load, tag, c),
        "two_call": lambda tag, c: _two_call_step(floor_load, tag, c),
        "kohapay": None if missing else (lambda tag, c: _kohapay_step(kohapay_load, token, tag, c)),
    }


def _outcome(status: int, body: bytes, prefix: str = "") -> tuple:
    """A step's result: "ok" for a 201, else the status (and the body, kept for the log)."""
    if status == 201:
        return ("ok",)
    return (f"{prefix}{status}", body.decode("utf-8", "replace"))


def _one_post_step(load: Workload, tag: str, clients: int, request):
    """A step sending one POST per payment; ``request(payment)`` gives (path, body, headers)."""
    def step(conn, worker, seq):
        status, body = loadgen.post_json(conn, *request(load.payment(tag, clients, worker, seq)))
        outcome, *detail = _outcome(status, body)
        return (outcome, 1, *detail)
    return step


def _kohapay_step(load: Workload, token: str, tag: str, clients: int):
    return _one_post_step(load, tag, clients, lambda p: (
        PAYMENTS_PATH.format(patron=p.patron), Workload.intake_body(p),
        {"Authorization": f"Bearer {token}", "Idempotency-Key": p.idempotency_key},
    ))


def _floor_step(load: Workload, tag: str, clients: int):
    return _one_post_step(load, tag, clients,
                          lambda p: ("/floor/intake", Workload.floor_body(p), None))


def _two_call_step(load: Workload, tag: str, clients: int):
    """Koha's flow: charge, read the new debit's id from the answer, then pay it."""
    def step(conn, worker, seq):
        p = load.payment(tag, clients, worker, seq)
        status, body = loadgen.post_json(conn, "/floor/charge", Workload.floor_body(p))
        if status != 201:
            outcome, *detail = _outcome(status, body, "charge-")
            return (outcome, 1, *detail)
        debit_id = json.loads(body)["account_line_id"]
        status, body = loadgen.post_json(conn, "/floor/pay",
                                         {**Workload.floor_body(p), "debit_id": debit_id})
        outcome, *detail = _outcome(status, body, "pay-")
        return (outcome, 2, *detail)
    return step


def _kohapay_token(port: int, fixture: dict) -> tuple[str | None, str | None]:
    """(token, None), or (None, why kohapay cannot be loaded yet)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        form = urllib.parse.urlencode({
            "grant_type": "client_credentials", "client_id": fixture["client_id"],
            "client_secret": fixture["client_secret"],
        })
        conn.request("POST", "/api/v1/oauth/token", form,
                     {"Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            return None, f"POST /api/v1/oauth/token answered {response.status}"
        token = json.loads(body)["access_token"]
        conn.request("POST", PAYMENTS_PATH.format(patron=fixture["patrons"][0]), b"{}",
                     {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        response.read()
        if response.status in (404, 405):
            return None, f"POST {PAYMENTS_PATH} answered {response.status} (route not there yet)"
        return token, None
    finally:
        conn.close()


# The payments' tables, and the refunds' own record.
VERIFIED_TABLES = (*databases.LEDGER_TABLES, "kohapay_refund_line")
ROWS_PER = {"payment": {**databases.ROWS_PER_PAYMENT, "kohapay_refund_line": 0},
            "sale": till.ROWS_PER_SALE, "refund": till.ROWS_PER_REFUND, "pay": till.ROWS_PER_PAY}


def _verify(before: dict, written: dict, debts: till.DebtBook) -> dict:
    """Exactly the expected rows: per table, (rows added) == Σ 201s × rows per write, for the
    payments, the sales, the refunds and the payments of existing debits (the pre-created
    debits were counted in ``before``)."""
    after = databases.count_rows(databases.INTAKE_DB, VERIFIED_TABLES)
    tables = {
        table: {"added": after[table] - before[table],
                "expected": sum(n * ROWS_PER[kind][table] for kind, n in written.items())}
        for table in VERIFIED_TABLES
    }
    exact = all(t["added"] == t["expected"] for t in tables.values())
    return {"payments_201": written["payment"], "sales_201": written["sale"],
            "refunds_201": written["refund"], "pays_201": written["pay"],
            "debts_created": debts.created, "debts_left": debts.left(),
            "tables": tables, "exact": exact,
            "outstanding_sum": str(_outstanding_sum()),
            "outstanding_expected": str(debts.owed()),
            "verify_ledger": _verify_ledger()}


def _outstanding_sum():
    """The patrons' balances (SUM of outstanding): every charge was paid in full, so only the
    pre-created debits not paid are left (``DebtBook.owed``)."""
    conn = databases.connect(databases.INTAKE_DB)
    try:
        cur = conn.cursor()
        cur.execute("SELECT COALESCE(SUM(amountoutstanding), 0) FROM accountlines")
        return cur.fetchone()[0]
    finally:
        conn.close()


def _verify_ledger() -> dict:
    done = environment.manage(databases.INTAKE_DB, "verify_ledger", check=False)
    text = (done.stdout + done.stderr).strip()
    if "Unknown command" in text:
        return {"available": False, "output": "manage.py verify_ledger does not exist yet (issue 5)"}
    return {"available": True, "exit_code": done.returncode, "output": text[-2000:]}
