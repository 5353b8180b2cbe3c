"""A run with refusals, rows that do not add up or figures that differ is reported as invalid."""
from tests.helpers import bench_results
from tools.bench import report


def test_a_clean_run_has_no_problems_and_states_the_rate_limit():
    text = report.render(bench_results())

    assert report.problems(bench_results()) == []
    assert "NOT VALID" not in text
    assert "`KOHAPAY_API_RATE=100000000/min`" in text


def test_answers_other_than_201_make_the_run_invalid():
    failed = bench_results(failures=[{"contender": "kohapay", "clients": 8, "failures": {"429": 1896},
                                "samples": {"429": '{"error": "Too many requests."}'}}])

    found = report.problems(failed)

    assert len(found) == 1 and "kohapay at C = 8" in found[0] and "429" in found[0]
    assert "THIS RUN IS NOT VALID" in report.render(failed)


def test_a_dashboard_page_whose_figures_differ_makes_the_run_invalid():
    run = bench_results()
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
    run = bench_results()
    run["statements"] = {"steady": {"status": 429}}
    run["profile"] = {"statuses": {"201": 150, "429": 50}}

    found = report.problems(run)

    assert any("answered 429" in p for p in found)
    assert any("profiled" in p for p in found)


def test_the_machine_calibration_is_stated_when_measured():
    run = bench_results()
    assert "Machine speed during the run" not in report.render(run)
    run["calibration"] = {"before": {"python_loop_ms": 120.5, "select1_us": 25.0},
                          "after": {"python_loop_ms": 310.0, "select1_us": 101.5}}
    text = report.render(run)
    assert "took 120.5 ms before and 310.0 ms after" in text
    assert "took 25.0 µs before and 101.5 µs after" in text


def test_the_sale_and_refund_are_reported_against_the_same_floors():
    from tests.helpers import bench_load

    run = bench_results()
    row = run["intake"]["per_clients"]["8"]
    row["kohapay_sale"], row["kohapay_refund"] = bench_load(180.0), bench_load(225.0)
    run["intake"]["verification"].update(sales_201=40, refunds_201=30)
    text = report.render(run)
    assert "## 2b. A sale of three items and a refund, against the same floors" in text
    assert "| 8 | sale of three items | 180.0 |" in text and "| 0.36 | 0.2 |" in text
    assert "| 8 | refund of 0.01 of a sale | 225.0 |" in text and "| 0.45 | 0.25 |" in text
    assert "40 sales and 30 refunds answered 201 as well" in text
    assert "2b." not in report.render(bench_results())  # an older run's results still render
