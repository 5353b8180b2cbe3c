"""Issue 18: the sale and the payment of an existing debit are reported against their own floors,
and a floor whose rows do not add up, or a ledger left owing other than the unpaid pre-created
debits, makes the run invalid."""
from tests.helpers import bench_load, bench_results
from tools.bench import report


def with_own_floors():
    run = bench_results(debts_per_patron=6)
    row = run["intake"]["per_clients"]["8"]
    row.update(kohapay_sale=bench_load(180.0), framework_sale=bench_load(400.0),
               kohapay_pay=bench_load(150.0), framework_pay=bench_load(300.0))
    return run


def test_each_write_is_reported_against_its_own_floor_and_target():
    text = report.render(with_own_floors())

    assert "## 2c. The sale and the payment of an existing debit, against their own floors" in text
    assert "| 8 | sale of three items | 180.0 |" in text and "| 400.0 | 10.0 | 0.45 |" in text
    assert "| 8 | payment of one existing debit | 150.0 |" in text and "| 0.5 |" in text
    assert "| sale of three items ≥ 0.5 × its own framework floor at C = 8 | 0.45 | **no** |" in text
    assert ("| payment of one existing debit ≥ 0.5 × its own framework floor at C = 8 | 0.5 "
            "| yes |") in text
    assert "2c." not in report.render(bench_results())  # an older run's results still render


def test_a_floor_whose_rows_do_not_add_up_makes_the_run_invalid():
    run = with_own_floors()
    run["intake"]["floor_rows"] = [{"contender": "framework_pay", "clients": 8, "exact": False,
                                    "tables": {"accountlines": {"added": 9, "expected": 10}}}]
    found = report.problems(run)
    assert len(found) == 1 and "framework_pay added at C = 8" in found[0]


def test_an_outstanding_sum_other_than_the_unpaid_debits_makes_the_run_invalid():
    run = with_own_floors()
    run["intake"]["verification"].update(outstanding_sum="12.500000", outstanding_expected="12.5")
    assert report.problems(run) == []
    run["intake"]["verification"]["outstanding_sum"] = "10.000000"
    assert "not the 12.5 the unpaid pre-created debits owe" in report.problems(run)[0]
