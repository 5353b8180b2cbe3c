"""The load generator's bookkeeping: outcomes, round trips and percentiles."""
import threading
import time

from tools.bench import loadgen


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert loadgen.percentile(values, 50) == 50.0
    assert loadgen.percentile(values, 99) == 99.0
    assert loadgen.percentile([3.0], 99) == 3.0
    assert loadgen.percentile([], 50) == 0.0


def test_run_counts_every_step_and_keeps_workers_apart():
    seen, lock = [], threading.Lock()

    def step(conn, worker, seq):
        with lock:
            seen.append((worker, seq))
        time.sleep(0.005)  # a few dozen steps per worker, even on a busy machine
        return ("ok" if seq % 3 else "500"), 2

    result = loadgen.run(3, 0.5, connect=lambda: None, step=step, close=lambda conn: None)

    assert result.ok + result.failed == len(seen)
    assert result.failed == sum(1 for _, seq in seen if seq % 3 == 0)
    assert result.requests == 2 * len(seen)
    assert len(result.latencies) == result.ok
    assert {worker for worker, _ in seen} == {0, 1, 2}
    assert len(set(seen)) == len(seen)  # (worker, seq) never repeats: keys stay unique


def test_the_first_answer_of_each_failure_is_kept_for_the_log():
    def step(conn, worker, seq):
        if seq == 0:
            return "ok", 1
        return ("429", 1, f"too many: worker {worker} step {seq}") if seq % 2 else ("500", 1)

    result = loadgen.run(1, 0.05, connect=lambda: None, step=step, close=lambda conn: None)
    summary = result.summary()

    assert summary["failed"] == summary["failures"]["429"] + summary["failures"].get("500", 0)
    assert summary["failure_samples"] == {"429": "too many: worker 0 step 1"}
