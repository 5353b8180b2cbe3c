"""A run with refusals, rows that do not add up or figures that differ is reported as invalid."""
from tools.bench import report


def load(throughput, failed=0):
    return {"clients": 8, "ok": 100, "failed": failed, "requests": 100,
            "throughput": throughput, "p50_ms": 10.0, "p95_ms": 20.0, "p99_ms": 25.0}


def results(**intake):
    verification = {"payments_201": 100, "exact": True, "outstanding_sum": "0",
                    "tables": {"accountlines": {"added": 200, "expected": 200}},
                    "verify_ledger": {"available": True, "exit_code": 0, "output": "OK"}}
    per_clients = {"8": {"physical": load(900.0), "framework": load(500.0),
                         "two_call": load(300.0), "kohapay": load(200.0)}}
    return {
        "date": "2026-01-01 12:00 UTC", "label": None,
        "command": {"as": "make bench", "ran": "python -m tools.bench.run"},
        "machine": {"cores": 2, "cpu": "cpu", "memory_gib": 4.0, "mariadb": "10.11",
                    "python": "3.11", "git_commit": "abc", "mariadb_settings": {}},
        "intake": {"failures": [], "rate_limits": {"KOHAPAY_API_RATE": "100000000/min"},
                   "per_clients": per_clients, "duration_s": 10, "gunicorn": "--workers 4",
                   "verification": verification, **intake},
    }


def test_a_clean_run_has_no_problems_and_states_the_rate_limit():
    text = report.render(results())

    assert report.problems(results()) == []
    assert "NOT VALID" not in text
    assert "`KOHAPAY_API_RATE=100000000/min`" in text


def test_answers_other_than_201_make_the_run_invalid():
    failed = results(failures=[{"contender": "kohapay", "clients": 8, "failures": {"429": 1896},
                                "samples": {"429": '{"error": "Too many requests."}'}}])

    found = report.problems(failed)

    assert len(found) == 1 and "kohapay at C = 8" in found[0] and "429" in found[0]
    assert "THIS RUN IS NOT VALID" in report.render(failed)


def test_a_dashboard_page_whose_figures_differ_makes_the_run_invalid():
    run = results()
    page = {"status": 200, "bytes": 1024, "queries": 9, "raw_sql_queries": 4, "page_ms": 3.0,
            "raw_sql_ms": 2.0, "ratio": 1.5,
            "figures": {"match": False, "differences": ["figures.by_debit_type.PRINT"]}}
    run["dashboard"] = {"100k": {"baseline": {"day": page}, "trials": {}, "lines": 100_000,
                                 "user": "u", "register": 1, "day": "d", "first": "f"}}

    assert any("day at 100k" in p for p in report.problems(run))
    assert "**NO**" in report.render(run)


def test_flatness_compares_5m_with_100k_when_both_were_measured():
    assert report.flat_pair({"100k": {}, "1m": {}, "5m": {}}) == ("100k", "5m")
    assert report.flat_pair({"10k": {}, "100k": {}}) == ("10k", "100k")
    assert report.flat_pair({"100k": {}}) is None


def test_statements_counted_on_a_refused_intake_make_the_run_invalid():
    run = results()
    run["statements"] = {"steady": {"status": 429}}
    run["profile"] = {"statuses": {"201": 150, "429": 50}}

    found = report.problems(run)

    assert any("answered 429" in p for p in found)
    assert any("profiled" in p for p in found)


def test_the_machine_calibration_is_stated_when_measured():
    run = results()
    assert "Machine speed during the run" not in report.render(run)
    run["calibration"] = {"before": {"python_loop_ms": 120.5, "select1_us": 25.0},
                          "after": {"python_loop_ms": 310.0, "select1_us": 101.5}}
    text = report.render(run)
    assert "took 120.5 ms before and 310.0 ms after" in text
    assert "took 25.0 µs before and 101.5 µs after" in text
