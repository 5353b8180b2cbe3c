"""``python -m tools.bench.run`` (``make bench``): every section, one report.

    python -m tools.bench.run                 # full run: 10 s per contender and C = 1, 8, 32
    python -m tools.bench.run --quick         # 3 s per contender (a smoke run; figures are noisier)
    python -m tools.bench.run --sizes 100k    # dashboard only on these seeded sizes (make bench-data)

Bounded by construction: every load phase stops after its duration, servers listen on
127.0.0.1 only and are stopped in ``finally``, and the dashboard runs only on databases that
``make bench-data`` already seeded. Writes ``docs/benchmarks.md`` and ``var/bench/results.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time

from tools.bench import environment, intake, machine, report, seed
from tools.bench.servers import LOG_DIR, ROOT


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m tools.bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 s per contender and C")
    parser.add_argument("--duration", type=float, help="seconds per contender and C (default 10)")
    parser.add_argument("--clients", default="1,8,32", help="concurrencies (default 1,8,32)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--sizes", default=",".join(seed.DEFAULT_SIZES),
                        help="dashboard sizes to measure when seeded (default 100k,1m,5m)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per page (median; ≥ 5)")
    parser.add_argument("--time-zone", default="UTC",
                        help="KOHA_TIME_ZONE of the dashboard: its days are local days "
                             "(default UTC, the zone make bench-data seeds with)")
    parser.add_argument("--index-trial", action="append", default=None,
                        help="optional accountlines index to measure, e.g. register_id,date "
                             "(default: register_id,date; 'none' for no trial)")
    parser.add_argument("--profile-requests", type=int, default=200)
    parser.add_argument("--skip-intake", action="store_true")
    parser.add_argument("--skip-dashboard", action="store_true")
    parser.add_argument("--label", help="a line printed at the top of the report")
    parser.add_argument("--output", default="docs/benchmarks.md")
    args = parser.parse_args(argv)
    args.duration = args.duration or (3.0 if args.quick else 10.0)
    args.runs = max(args.runs, 5)
    args.index_trial = [] if args.index_trial == ["none"] else (args.index_trial or ["register_id,date"])
    return args


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"), "label": args.label,
        "command": _command(argv), "machine": machine.describe(),
        "calibration": {"before": machine.calibration()},
    }
    if not args.skip_intake:
        clients = [int(c) for c in args.clients.split(",")]
        results["intake"] = intake.run(clients, args.duration, args.workers, log=_log)
        fixture = results["intake"].pop("fixture")
        if not results["intake"].get("kohapay_missing"):
            results["statements"] = _inprocess("statements", fixture)
            results["profile"] = _inprocess("profile", fixture, str(args.profile_requests))
    if not args.skip_dashboard:
        results["dashboard"] = _dashboard(args)
    results["calibration"]["after"] = machine.calibration()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    (LOG_DIR / "results.json").write_text(json.dumps(results, indent=1, default=str))
    text = report.write(results, ROOT / args.output)
    print(text)
    _log(f"wrote {args.output} and var/bench/results.json")
    found = report.problems(results)
    for problem in found:
        _log(f"!!! NOT VALID: {problem}")
    return 1 if found else 0


def _command(argv) -> dict:
    """How this run was started (``make bench`` says so in BENCH_INVOKED_AS) and what ran."""
    direct = shlex.join(["python", "-m", "tools.bench.run", *argv])
    return {"as": os.environ.get("BENCH_INVOKED_AS") or direct, "ran": direct}


def _inprocess(what: str, fixture: dict, *extra: str) -> dict | None:
    _log(f"in-process: {what} …")
    try:
        out = environment.module(intake.databases.INTAKE_DB, "inprocess", what,
                                 json.dumps(fixture), *extra, timeout=600)
    except RuntimeError as exc:
        _log(f"in-process {what} failed: {str(exc)[-2000:]}")
        return {"error": str(exc).strip().splitlines()[-1]}
    return json.loads(out)


def _dashboard(args) -> dict:
    measured = {}
    for label in seed.existing([s for s in args.sizes.split(",") if s]):
        _log(f"dashboard: {label} …")
        try:  # kohapay's own tables of a database seeded by an older release (Koha's untouched)
            environment.manage(intake.databases.size_db(label), "migrate", "--noinput", "-v0")
            out = environment.module(intake.databases.size_db(label), "dashboard",
                                     str(args.runs), *args.index_trial, timeout=3600,
                                     env={"KOHA_TIME_ZONE": args.time_zone})
        except RuntimeError as exc:  # e.g. a page that does not exist yet: report, go on
            measured[label] = {"error": str(exc).strip().splitlines()[-1]}
            _log(f"dashboard: {label} failed: {measured[label]['error']}")
            continue
        measured[label] = {**json.loads(out), "runs": args.runs}
    return measured


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
