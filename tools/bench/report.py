"""Turn one run's results into ``docs/benchmarks.md`` (and print the same tables)."""
from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

from tools.bench.machine import CALIBRATION_LOOP, CALIBRATION_ROUND_TRIPS

TARGETS = {  # issue 18 (intake, dashboard pages) and issue 6 (flatness)
    "framework_ratio": 0.6,  # kohapay throughput ≥ 0.6 × the framework floor, at C = 1 and 8
    "till_ratio": 0.5,  # a sale, a payment of an existing debit ≥ 0.5 × their own floor
    "two_call_ratio": 1.2,  # one kohapay call ≥ 1.2 × Koha's two calls
    "server_cpu": 2.0,  # gunicorn CPU per intake ≤ 2 × the framework floor's
    "mariadb_cpu": 1.6,  # MariaDB CPU per intake ≤ 1.6 × the framework floor's
    "tail_8": 3.0,  # p99 ≤ 3 × p50 at 8 clients
    "statements_request": 8,  # statements per intake request
    "statements": 7,  # statements inside the intake transaction
    "page_ratio": 1.3,  # page ≤ 1.3 × its raw SQL, at every size (issue 18; issue 6 had 1.5)
    "flat_growth": 1.5,  # a page at the largest size ≤ 1.5 × itself at the smallest (issue 6)
}


METHOD_NOTES = """## Method notes

- Everything runs on one machine: MariaDB, gunicorn and the load generator share its cores, as
  they would not in production. That is why only ratios between contenders measured in the same
  run are reported as results; absolute figures move with the machine and whatever else runs on it.
- MariaDB's settings are left as installed (see above); with `innodb_flush_log_at_trx_commit=1`
  every commit waits for the redo log to be flushed, for every contender alike.
- gunicorn's sync workers close the connection after each response, so every request also pays a
  TCP connect on loopback (kohapay, the framework floor and the two-call baseline alike).
- Clients pay for disjoint sets of patrons, so kohapay's per-patron lock never makes one client
  wait for another; the figures are throughput, not contention on one account.
- The floors write the same rows as kohapay (`bench/ledger_sql.py`, checked by
  `tests/tools/test_ledger_sql.py`) but trust their input: no authentication, no validation, no
  idempotency lookup, no invariant check. The gap to them is the price of those layers.
- Dashboard pages are timed in-process (no HTTP), so the page ÷ raw SQL ratio is the cost of the
  ORM queries plus building and rendering the page (and its access checks and the recency
  bookkeeping of `registers/recency.py`); the raw SQL only fetches rows (the few sums of the
  cashup windows are added up in Python afterwards, untimed)."""


def table(headers: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join("–" if v is None else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _ratio(a, b):
    return round(a / b, 2) if a is not None and b else None


def problems(results: dict) -> list[str]:
    """What makes this run's figures invalid (shown at the top of the report; the run then exits
    non-zero): answers that were not 201, rows that do not add up, a ledger check that failed."""
    intake = results.get("intake") or {}
    found = [
        f"{f['contender']} at C = {f['clients']}: answers other than 201: {f['failures']}"
        f" (first: {next(iter(f['samples'].values()), '–')[:160]!r})"
        for f in intake.get("failures", [])
    ]
    verification = intake.get("verification")
    if verification and not verification["exact"]:
        found.append("the rows kohapay added do not equal its 201s × the rows of a payment")
    for check in intake.get("floor_rows", []):
        if not check["exact"]:
            found.append(f"the rows {check['contender']} added at C = {check['clients']} are not "
                         f"its 201s × the rows of kohapay's write: {check['tables']}")
    expected = (verification or {}).get("outstanding_expected")
    if expected is not None and Decimal(verification["outstanding_sum"]) != Decimal(expected):
        found.append(f"the ledger's outstanding sum is {verification['outstanding_sum']}, not "
                     f"the {expected} the unpaid pre-created debits owe")
    ledger = (verification or {}).get("verify_ledger") or {}
    if ledger.get("available") and ledger.get("exit_code") != 0:
        found.append(f"manage.py verify_ledger exited {ledger['exit_code']}")
    steady = (results.get("statements") or {}).get("steady") or {}
    if steady and steady.get("status") != 201:
        found.append(f"the in-process intake whose statements are counted answered "
                     f"{steady.get('status')}")
    statuses = (results.get("profile") or {}).get("statuses") or {}
    if any(str(code) != "201" for code in statuses):
        found.append(f"the profiled in-process intakes answered {statuses}")
    for size, r in (results.get("dashboard") or {}).items():
        if "error" in r:
            found.append(f"dashboard at {size} not measured: {r['error']}")
        for page, m in (r.get("baseline") or {}).items():
            if not (m.get("figures") or {}).get("match"):
                found.append(f"dashboard {page} at {size}: the raw SQL's figures differ from the "
                             f"page's: {(m.get('figures') or {}).get('differences')}")
    return found


def render(results: dict) -> str:
    parts = [_header(results)]
    intake = results.get("intake")
    if intake:
        parts += [_intake(intake), *_till(intake), *_own_floors(intake), _two_call(intake),
                  _verification(intake)]
    for key, render_section in (("statements", _statements), ("profile", _profile)):
        section = results.get(key)
        if section and "error" in section:
            parts.append(f"## {key.title()}\n\nNot measured: `{section['error']}`")
        elif section:
            parts.append(render_section(section))
    if results.get("dashboard") is not None:
        parts.append(_dashboard(results["dashboard"]))
    parts.append(_targets(results))
    parts.append(METHOD_NOTES)
    return "\n\n".join(parts) + "\n"


def write(results: dict, path: Path) -> str:
    text = render(results)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return text


def _header(results: dict) -> str:
    m = results["machine"]
    label = results.get("label")
    return "\n".join([
        "# kohapay benchmarks",
        "",
        "Generated by `tools/bench/` (see docs/performance.md, *How to run the benchmarks*); every "
        "figure below comes from the run described here, and every ratio compares contenders measured side by side in that run.",
        *([f"\n> **{label}**"] if label else []),
        "",
        f"- Date: {results['date']}",
        _command_line(results["command"]),
        f"- Machine: {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB memory, "
        f"MariaDB {m['mariadb']} on loopback, Python {m['python']}, kohapay commit {m['git_commit']}",
        f"- MariaDB settings (untouched): " + ", ".join(f"{k}={v}" for k, v in
                                                      m["mariadb_settings"].items()),
        *_calibration_line(results),
        *_rate_limit_line(results),
        *_problem_block(problems(results)),
    ])


def _calibration_line(results: dict) -> list[str]:
    calibration = results.get("calibration")
    if not calibration:
        return []
    before, after = calibration.get("before") or {}, calibration.get("after") or {}
    return [f"- Machine speed during the run (`bench/machine.py`; lower is faster; compare runs of "
            f"one machine only): a fixed Python loop of {CALIBRATION_LOOP:,} additions took "
            f"{before.get('python_loop_ms')} ms before and {after.get('python_loop_ms')} ms after; "
            f"a `SELECT 1` round trip to MariaDB took {before.get('select1_us')} µs before and "
            f"{after.get('select1_us')} µs after (median of {CALIBRATION_ROUND_TRIPS:,})"]


def _command_line(command) -> str:
    if isinstance(command, str):  # results.json of an older run
        return f"- Command: `{command}`"
    ran = f" (runs `{command['ran']}`)" if command["ran"] != command["as"] else ""
    return f"- Command: `{command['as']}`{ran}"


def _rate_limit_line(results: dict) -> list[str]:
    limits = (results.get("intake") or {}).get("rate_limits")
    if not limits:
        return []
    return ["- Rate limits: **on**, set far above the load so they never refuse a request ("
            + ", ".join(f"`{k}={v}`" for k, v in limits.items())
            + "): every kohapay request still pays for being counted."]


def _problem_block(found: list[str]) -> list[str]:
    if not found:
        return []
    return ["", "> **THIS RUN IS NOT VALID** — the figures below include failures:", ">",
            *[f"> - {p}" for p in found]]


def _intake(intake: dict) -> str:
    missing = intake.get("kohapay_missing")
    rows = []
    for c, row in intake["per_clients"].items():
        k, f, p = row.get("kohapay"), row["framework"], row["physical"]
        rows.append([
            c, k and k["throughput"], k and k["p50_ms"], k and k["p95_ms"], k and k["p99_ms"],
            k and k["failed"], f["throughput"], f["p50_ms"], f["p99_ms"], p["throughput"],
            p["p50_ms"], p["p99_ms"],
            _ratio(k and k["throughput"], f["throughput"]), _ratio(k and k["throughput"], p["throughput"]),
        ])
    text = [
        "## 1–2. Intake throughput and latency, against the two floors",
        "",
        f"Each contender ran {intake['duration_s']} s per concurrency C (closed loop: C clients, "
        "each sending its next payment as soon as the previous one is answered), after a 1 s "
        "warm-up. Throughput is payments per second; latencies are per payment. kohapay and the "
        f"framework floor are served by the same gunicorn settings: `{intake['gunicorn']}`.",
        "The physical floor writes the same rows over mysqlclient with no HTTP and no framework.",
        "",
        table(["C", "kohapay /s", "p50 ms", "p95 ms", "p99 ms", "non-201", "framework /s",
               "p50 ms", "p99 ms", "physical /s", "p50 ms", "p99 ms", "kohapay ÷ framework",
               "kohapay ÷ physical"], rows),
    ]
    if missing:
        text += ["", f"**kohapay not measured**: {missing}."]
    cpu_rows = _cpu_rows(intake)
    if cpu_rows:
        text += [
            "", "### CPU per payment, by process",
            "",
            "Where each contender's cost lands (`bench/cpu.py`, from `/proc`): milliseconds of CPU "
            "per payment of the load generator (this process; for the physical floor, its own "
            "clients), the gunicorn server (master and workers), MariaDB, and the whole machine "
            "(every process, any other load included). With every process sharing "
            f"{_cores()} cores, throughput at high C is about cores ÷ the machine's figure: the "
            "server and MariaDB columns say which layer a ratio comes from.",
            "",
            table(["C", "contender", "payments/s", "load generator ms", "server ms",
                   "MariaDB ms", "machine ms"], cpu_rows),
        ]
    return "\n".join(text)


TILL = (("kohapay_sale", "sale of three items"), ("kohapay_refund", "refund of 0.01 of a sale"))


def _till(intake: dict) -> list[str]:
    """Section 2b, when the run measured them: kohapay's sale and refund at each C, next to the
    floors of the same C (which write a payment's rows)."""
    rows = []
    for c, row in intake["per_clients"].items():
        f, p = row["framework"], row["physical"]
        for name, what in TILL:
            k = row.get(name)
            if k:
                rows.append([c, what, k["throughput"], k["p50_ms"], k["p95_ms"], k["p99_ms"],
                             k["failed"], f["throughput"], p["throughput"],
                             _ratio(k["throughput"], f["throughput"]),
                             _ratio(k["throughput"], p["throughput"])])
    if not rows:
        return []
    return ["\n".join([
        "## 2b. A sale of three items and a refund, against the same floors",
        "",
        "At each C, right after the payment contenders and on the same kohapay server: "
        "`POST /api/v1/cash_registers/{id}/sales` of three items (a debit each, one PURCHASE "
        "credit, 7 offsets), then `POST …/sales/{sale_id}/refunds` of 0.01 of the sales each "
        "client made (Koha's reduce + payout: a REFUND credit and a PAYOUT debit, 4 offsets, "
        "the refunded debit's status). Same duration and warm-up as the payments; throughput "
        "is sales (or refunds) per second. The floors are the payments' (a charge and its "
        "payment: 2 lines, 3 offsets, statistics, 2 logs), measured at the same C in this run.",
        "",
        table(["C", "kohapay", "/s", "p50 ms", "p95 ms", "p99 ms", "non-201", "framework /s",
               "physical /s", "÷ framework", "÷ physical"], rows),
    ])]


OWN_FLOORS = (("kohapay_sale", "framework_sale", "sale of three items"),
              ("kohapay_pay", "framework_pay", "payment of one existing debit"))


def _own_floors(intake: dict) -> list[str]:
    """Section 2c, when the run measured them (issue 18): the sale and the payment of an
    existing debit, each against a bare Django view writing the same rows."""
    rows = []
    for c, row in intake["per_clients"].items():
        for mine, floor, what in OWN_FLOORS:
            k, f = row.get(mine), row.get(floor)
            if k and f:
                rows.append([c, what, k["throughput"], k["p50_ms"], k["p99_ms"], k["failed"],
                             f["throughput"], f["p50_ms"], _ratio(k["throughput"],
                                                                  f["throughput"]),
                             _cpu(k, "server"), _cpu(f, "server"), _cpu(k, "mariadb"),
                             _cpu(f, "mariadb")])
    if not rows:
        return []
    checks = intake.get("floor_rows", [])
    exact = all(check["exact"] for check in checks)
    return ["\n".join([
        "## 2c. The sale and the payment of an existing debit, against their own floors",
        "",
        "Each floor is a bare Django view (`tools/bench/floor_app`, `tools/bench/till_sql.py`) "
        "writing the rows kohapay's write adds: for a sale of three items 4 lines, 7 offsets "
        "and an intake record; for a payment of one existing debit (named in "
        "`account_lines_ids`) the credit, 2 offsets, a statistics row, a FINES log and an "
        "intake record, the debit and the credit updated to 0. Each bench patron starts with "
        f"{intake.get('debts_per_patron', '–')} outstanding debits (Koha's `add_debit` rows), "
        "in both databases; each request pays one. The floor runs right before kohapay at each "
        "C. The floors' rows were counted around each load: "
        + ("exact every time." if exact else "**NOT exact** (see the problems above).")
        + " CPU is ms per write.",
        "",
        table(["C", "write", "kohapay /s", "p50 ms", "p99 ms", "non-201", "own floor /s",
               "p50 ms", "÷ own floor", "server ms", "floor server ms", "MariaDB ms",
               "floor MariaDB ms"], rows),
    ])]


def _cores() -> int:
    return os.cpu_count() or 1


def _cpu_rows(intake: dict) -> list[list]:
    rows = []
    for c, row in intake["per_clients"].items():
        for name in ("kohapay", "kohapay_sale", "kohapay_refund", "kohapay_pay", "framework",
                     "framework_sale", "framework_pay", "physical", "two_call"):
            measured = row.get(name)
            spent = measured and measured.get("cpu_ms_per_payment")
            if spent:
                rows.append([c, name, measured["throughput"], spent["load_generator"],
                             spent["server"], spent["mariadb"], spent["machine"]])
    return rows


def _two_call(intake: dict) -> str:
    rows = []
    for c, row in intake["per_clients"].items():
        t, f, k = row["two_call"], row["framework"], row.get("kohapay")
        rows.append([
            c, t["throughput"], t["p50_ms"], t["p99_ms"], round(t["requests"] / t["ok"], 2) if t["ok"] else None,
            f["throughput"], f["p50_ms"], _ratio(f["throughput"], t["throughput"]),
            k and k["throughput"], k and k["p50_ms"], _ratio(k and k["throughput"], t["throughput"]),
        ])
    return "\n".join([
        "## 3. One atomic call against Koha's two calls",
        "",
        "Koha records a kiosk payment as two requests: a charge (`POST …/account/debits`), then a "
        "payment (`POST …/account/credits`) — two round trips, two transactions, and a window in "
        "which the charge exists unpaid. The baseline is the same bare Django view code as the "
        "framework floor, split in two endpoints (`/floor/charge`, then `/floor/pay`, which must "
        "re-read and lock the debit it pays); latency is per payment, i.e. both requests.",
        "",
        table(["C", "two-call payments/s", "p50 ms", "p99 ms", "round trips / payment",
               "one-call floor /s", "p50 ms", "one-call ÷ two-call", "kohapay /s", "p50 ms",
               "kohapay ÷ two-call"], rows),
    ])


def _verification(intake: dict) -> str:
    v = intake["verification"]
    rows = [[t, x["added"], x["expected"], "yes" if x["added"] == x["expected"] else "**NO**"]
            for t, x in v["tables"].items()]
    ledger = v["verify_ledger"]
    output = " / ".join(line.strip() for line in ledger["output"][-300:].splitlines())
    ledger_text = (f"`manage.py verify_ledger` on `kp_bench_intake` after the load, exit code "
                   f"{ledger['exit_code']}: `{output}`" if ledger["available"] else ledger["output"])
    till = ""
    if v.get("sales_201") is not None:
        till = (f" {v['sales_201']} sales and {v['refunds_201']} refunds answered 201 as well "
                "(a sale: 4 lines, 7 offsets, 1 intake record; a refund: 2 lines, 4 offsets, 1 "
                "intake record, 1 refund line).")
    if v.get("pays_201") is not None:
        till += (f" {v['pays_201']} payments of an existing debit answered 201 (each: 1 line, 2 "
                 "offsets, 1 statistics row, 1 action log, 1 intake record); "
                 f"{v['debts_left']} of the {v['debts_created']} pre-created debits are left "
                 f"unpaid, owing {v['outstanding_expected']}.")
    return "\n".join([
        "### Rows written by kohapay during the run",
        "",
        f"{v['payments_201']} intakes answered 201 (warm-up included).{till} Rows added to "
        "`kp_bench_intake`, against 201s × rows per payment (spec §3.6: 2 lines, 3 offsets, "
        "1 statistics row, 2 action logs; plus 1 intake record):",
        "",
        table(["table", "added", "expected", "exact"], rows),
        "",
        f"Sum of `amountoutstanding` over all lines (every patron's balance): {v['outstanding_sum']}.",
        "",
        f"Ledger self-check: {ledger_text}",
    ])


def _statements(s: dict) -> str:
    steady, first = s["steady"], s["first"]
    listing = "\n".join(steady["statements"])
    return "\n".join([
        "## 4. SQL statements per intake",
        "",
        "One intake in-process (Django test Client, production settings, `kp_bench_intake`). "
        "Every statement is recorded with `connection.execute_wrapper`, and every transaction's "
        "BEGIN (autocommit turned off) and COMMIT (driver calls, not statements) with wrappers "
        "on the connection; the intake's transaction is the one that inserts into `accountlines`.",
        "",
        table(["", "statements"], [
            ["whole request (authentication with the rate limit's count, rules, the intake "
             f"transaction; target ≤ {TARGETS['statements_request']})", f"**{steady['total']}**"],
            [f"inside the intake transaction, BEGIN … COMMIT (target ≤ {TARGETS['statements']})",
             f"**{steady['in_transaction']}**"],
            ["in other transactions of the request (e.g. a rate limiter's own; "
             f"{steady['other_transactions']} such transaction(s))",
             steady["in_other_transactions"]],
            ["in autocommit, outside any transaction", steady["autocommit"]],
        ]),
        "",
        f"The first request of a process made {first['total']} ({first['in_transaction']} inside "
        "the intake transaction). For comparison, the floors write the same rows in 6 statements "
        "(`bench/ledger_sql.py::write_payment`) in one transaction and make no other.",
        "",
        *([f"Over {s['timing']['intakes']} in-process intakes: {s['timing']['request_ms']} ms per "
           f"intake, of which {s['timing']['sql_ms']} ms waiting on SQL round trips."]
          if s.get("timing") else []),
        "",
        "<details><summary>The statements (T = inside the intake transaction, t = inside "
        "another transaction)</summary>",
        "",
        "```",
        listing,
        "```",
        "</details>",
    ])


def _profile(p: dict) -> str:
    packages = table(["package", "share of self time"],
                     [[x["package"], f"{x['share']:.0%}"] for x in p["self_time_by_package"]])
    top = table(["function", "cumulative share", "ms / request"],
                [[f"`{x['function']}`", f"{x['share']:.0%}", x["ms_per_request"]]
                 for x in p["top_cumulative"][:15]])
    return "\n".join([
        "### Where an intake's time goes (cProfile)",
        "",
        f"{p['requests']} intakes in-process under cProfile ({p['ms_per_request_profiled']} ms "
        f"each with the profiler's overhead; statuses {p['statuses']}). Shares are of the "
        "profiled time; a layer above 10 % is a candidate to remove or cache.",
        "",
        packages,
        "",
        top,
    ])


def _dashboard(measured: dict) -> str:
    failed = [f"- {size}: not measured: `{r['error']}`" for size, r in measured.items() if "error" in r]
    d = {size: r for size, r in measured.items() if "error" not in r}
    if not d:
        return "\n".join(["## 5. Dashboard at scale", "",
                          *(failed or ["No seeded database found: run `make bench-data`."])])
    first = next(iter(d.values()))
    text = [
        "## 5. Dashboard at scale",
        "",
        "`seed_demo` databases at the same daily rate (so the last 30 days hold the same lines at "
        "every size; only older history grows). Pages rendered in-process by Django's test Client "
        f"as a finance user ({first['user']}), median of {first.get('runs', 5)} runs after a "
        "warm-up, each next to hand-written SQL computing the same figures, the two timed in "
        "alternation (page, SQL, page, SQL…) so that a drift in the machine's speed hits both "
        "(`bench/dashboard_sql.py`, every row fetched): local days of `KOHA_TIME_ZONE` "
        f"({first.get('time_zone', 'UTC')}), income by debit type over every offset linking a "
        "credit to a debit (APPLY and VOID, as Koha's `Cashup.pm`), Koha's cashup windows. "
        "Like the pages (`registers/recency.py`), the raw SQL adds `timestamp >= L − 1 day` to "
        "every `date >= L`, so MariaDB reads Koha's `timeidx`: it is what a DBA writing the best "
        "query over Koha's existing indexes would do. Before timing, each page's figures (read "
        "from its template context) are checked equal to the raw SQL's. Each size picks its own "
        "busiest register and last full day (at the smallest size: register "
        f"{first['register']}, day {first['day']}, range {first['first']} – {first['day']}).",
        "",
        table(["size", "accountlines", "page", "status", "queries", "raw SQL queries", "KiB",
               "page ms", "raw SQL ms", "page ÷ raw", "same figures"], _dashboard_rows(d)),
        *(["", *failed] if failed else []),
        "",
        _flatness(d),
        "",
        "Figures compared (page against raw SQL):",
        "",
        *_checks(d),
        "",
        "How the accountlines reads are done (EXPLAIN: table, index, estimated rows; reads of "
        "more than two rows), the page's queries against the raw SQL's:",
        "",
        *_plans(d),
    ]
    trials = _trial_rows(d)
    if trials:
        text += [
            "", "### Optional DBA index (measured, then dropped — kohapay never alters Koha's tables)",
            "", table(["size", "index on accountlines", "page", "page ms before", "page ms with",
                       "raw ms before", "raw ms with"], trials),
        ]
    return "\n".join(text)


def _dashboard_rows(d: dict) -> list[list]:
    rows = []
    for size, r in d.items():
        for page, m in r["baseline"].items():
            rows.append([size, f"{r['lines']:,}", page, m["status"], m.get("queries"),
                         m.get("raw_sql_queries"), round(m["bytes"] / 1024, 1), m["page_ms"],
                         m["raw_sql_ms"], m["ratio"], _same(m)])
    return rows


def _same(m: dict) -> str:
    check = m.get("figures")
    if check is None:
        return "not checked"
    return "yes" if check["match"] else "**NO**"


def flat_pair(d: dict) -> tuple[str, str] | None:
    """The sizes whose timings say how a page scales: 5m against 100k when both were measured,
    else the largest against the smallest."""
    sizes = list(d)
    if len(sizes) < 2:
        return None
    if "100k" in d and "5m" in d:
        return "100k", "5m"
    return sizes[0], sizes[-1]


def _flatness(d: dict) -> str:
    pair = flat_pair(d)
    sizes = list(d)
    headers = ["page", *[f"page ms at {s}" for s in sizes]]
    if pair:
        small, large = pair
        headers += [f"page {large} ÷ {small}", f"raw SQL {large} ÷ {small}"]
    rows = []
    for page in d[sizes[0]]["baseline"]:
        row = [page, *[d[s]["baseline"][page]["page_ms"] for s in sizes]]
        if pair:
            a, b = d[pair[0]]["baseline"][page], d[pair[1]]["baseline"][page]
            row += [_ratio(b["page_ms"], a["page_ms"]), _ratio(b["raw_sql_ms"], a["raw_sql_ms"])]
        rows.append(row)
    intro = ("Flatness: the same date range at each size (a page that reads only its range "
             "costs about the same whatever the history):")
    return "\n".join([intro, "", table(headers, rows)])


def _checks(d: dict) -> list[str]:
    lines = []
    for size, r in d.items():
        for page, m in r["baseline"].items():
            check = m.get("figures") or {}
            verdict = "equal" if check.get("match") else "**DIFFERENT**"
            lines.append(f"- {size} {page}: {verdict} ({check.get('compared', '–')})")
            lines += [f"  - `{x}`" for x in check.get("differences", [])]
    return lines


def _plans(d: dict) -> list[str]:
    lines = []
    for size, r in d.items():
        for page, m in r["baseline"].items():
            lines += [f"- {size} {page}, page: " + "; ".join(m.get("page_plan") or ["–"]),
                      f"- {size} {page}, raw SQL: " + "; ".join(m.get("raw_sql_plan") or ["–"])]
    return lines


def _trial_rows(d: dict) -> list[list]:
    rows = []
    for size, r in d.items():
        for columns, trial in r["trials"].items():
            for page, m in trial.items():
                base = r["baseline"][page]
                rows.append([size, f"({columns})", page, base["page_ms"], m["page_ms"],
                             base["raw_sql_ms"], m["raw_sql_ms"]])
    return rows


def _targets(results: dict) -> str:
    rows = []
    intake = results.get("intake") or {}
    per_clients = intake.get("per_clients") or {}
    for c in ("1", "8"):
        row = per_clients.get(c) or {}
        k, f, two = row.get("kohapay"), row.get("framework"), row.get("two_call")
        ratio = _ratio(k and k["throughput"], f and f["throughput"])
        rows.append([f"kohapay ≥ {TARGETS['framework_ratio']} × the framework floor at C = {c}",
                     ratio, _ok(ratio, TARGETS["framework_ratio"], ">=")])
        ratio = _ratio(k and k["throughput"], two and two["throughput"])
        rows.append([f"kohapay ≥ {TARGETS['two_call_ratio']} × the two-call flow at C = {c}",
                     ratio, _ok(ratio, TARGETS["two_call_ratio"], ">=")])
        for layer, key in (("server", "server_cpu"), ("mariadb", "mariadb_cpu")):
            ratio = _ratio(_cpu(k, layer), _cpu(f, layer))
            rows.append([f"{layer} CPU per intake ≤ {TARGETS[key]} × the framework floor's at "
                         f"C = {c}", ratio, _ok(ratio, TARGETS[key], "<=")])
    answered = [row.get("kohapay") for row in per_clients.values() if row.get("kohapay")]
    if answered:
        failed = sum(r["failed"] for r in answered)
        rows.append(["no non-201 answers from kohapay's intake (every C)", failed,
                     "yes" if failed == 0 else "**no**"])
    k = (per_clients.get("8") or {}).get("kohapay")
    tail = _ratio(k and k["p99_ms"], k and k["p50_ms"])
    rows.append(["p99 ≤ 3 × p50 at 8 clients", tail, _ok(tail, TARGETS["tail_8"], "<=")])
    s = (results.get("statements") or {}).get("steady")
    rows.append([f"≤ {TARGETS['statements_request']} statements per intake request",
                 s and s["total"], _ok(s and s["total"], TARGETS["statements_request"], "<=")])
    rows.append([f"≤ {TARGETS['statements']} statements inside the intake transaction",
                 s and s["in_transaction"],
                 _ok(s and s["in_transaction"], TARGETS["statements"], "<=")])
    for c in ("1", "8"):
        row = per_clients.get(c) or {}
        for mine, floor, what in OWN_FLOORS:
            if row.get(floor):
                ratio = _ratio((row.get(mine) or {}).get("throughput"), row[floor]["throughput"])
                rows.append([f"{what} ≥ {TARGETS['till_ratio']} × its own framework floor at "
                             f"C = {c}", ratio, _ok(ratio, TARGETS["till_ratio"], ">=")])
    dashboard = {k: v for k, v in (results.get("dashboard") or {}).items() if "error" not in v}
    for size, r in dashboard.items():
        for page, m in r["baseline"].items():
            limit = TARGETS["page_ratio"]
            rows.append([f"{page} at {size} ≤ {limit} × raw SQL (same figures: {_same(m)})",
                         m["ratio"], _ok(m["ratio"], limit, "<=")])
    pair = flat_pair(dashboard)
    if pair:
        small, large = pair
        for page, m in dashboard[large]["baseline"].items():
            growth = _ratio(m["page_ms"], dashboard[small]["baseline"][page]["page_ms"])
            limit = TARGETS["flat_growth"]
            rows.append([f"{page} roughly flat {small} → {large} (≤ {limit} ×)", growth,
                         _ok(growth, limit, "<=")])
    return "\n".join(["## Targets", "", table(["target", "measured", "met"], rows)])


def _cpu(result, layer):
    return ((result or {}).get("cpu_ms_per_payment") or {}).get(layer)


def _ok(value, limit, op):
    if value is None:
        return "not measured"
    return "yes" if (value >= limit if op == ">=" else value <= limit) else "**no**"
