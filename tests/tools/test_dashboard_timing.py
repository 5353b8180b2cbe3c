"""Pages and their raw SQL are timed in alternation, so a drifting machine slows both alike."""
import time

from tools.bench.dashboard import _paired_medians_ms


def test_page_and_raw_sql_alternate_after_one_warm_up_each():
    calls = []

    def page():
        calls.append("page")
        time.sleep(0.002)

    def raw():
        calls.append("raw")

    page_ms, raw_ms = _paired_medians_ms(page, raw, runs=3)
    assert calls == ["page", "raw"] * 4  # warm-up pair, then three timed pairs
    assert page_ms >= 2 > raw_ms  # each median is of its own action's timings


def test_a_slowdown_during_the_measurement_hits_both_sides():
    """The machine halves its speed after the second pair: with alternation both medians come
    from the same mix of fast and slow pairs, and the ratio keeps the true 2 : 1."""
    state = {"pairs": 0}

    def slow_factor():
        return 2 if state["pairs"] >= 3 else 1

    def page():
        time.sleep(0.004 * slow_factor())

    def raw():
        time.sleep(0.002 * slow_factor())
        state["pairs"] += 1

    page_ms, raw_ms = _paired_medians_ms(page, raw, runs=5)
    assert 1.5 < page_ms / raw_ms < 3
