"""``tools.bench.cpu`` charges CPU time to the right process tree, and the report shows it per payment."""
import os
import subprocess
import sys
import time

import pytest

from tests.helpers import bench_load, bench_results
from tools.bench import cpu, report

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc (Linux)")


def burn(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_a_child_processes_cpu_counts_in_its_parents_tree():
    child = subprocess.Popen([sys.executable, "-c",
                              "import time\nend = time.process_time() + 0.3\n"
                              "while time.process_time() < end: pass\n"
                              "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while (cpu.process_tree_seconds(child.pid) or 0) < 0.25:
            assert time.monotonic() < deadline, "the child's CPU never showed up"
            time.sleep(0.05)
        own = cpu.process_tree_seconds(os.getpid())
        assert own >= cpu.process_tree_seconds(child.pid)  # ours includes the live child's
    finally:
        child.communicate(b"")


def test_measured_splits_the_time_of_the_block():
    with cpu.measured(server_pid=None, database_pid=None) as spent:
        burn(0.2)
    assert spent["load_generator"] >= 0.19
    assert spent["server"] is None and spent["mariadb"] is None
    assert spent["machine"] >= 0.15  # the machine was busy at least while we burned
    per = cpu.per_payment_ms(spent, 100)
    assert per["load_generator"] == pytest.approx(spent["load_generator"] * 10, abs=0.001)
    assert cpu.per_payment_ms(spent, 0)["load_generator"] is None


def test_an_unknown_process_has_no_figure():
    assert cpu.process_tree_seconds(2**22 + 12345) is None


def test_the_report_shows_cpu_per_payment_by_process():
    run = bench_results()
    row = run["intake"]["per_clients"]["8"]
    row["kohapay"] = {**bench_load(200.0), "cpu_ms_per_payment": {
        "load_generator": 0.8, "server": 3.1, "mariadb": 2.2, "machine": 6.4}}
    text = report.render(run)
    assert "### CPU per payment, by process" in text
    assert "| 8 | kohapay | 200.0 | 0.8 | 3.1 | 2.2 | 6.4 |" in text
    assert "CPU per payment" not in report.render(bench_results())  # not measured: no table
