"""A closed-loop load generator on threads (stdlib only).

C workers each hold one connection (an HTTP keep-alive ``http.client.HTTPConnection``, or a
database connection for the physical floor) and run one *scenario step* after another until the
duration is over. A step is one payment: one request for kohapay and the framework floor, two
sequential requests for Koha's two-call flow. Latency is measured per step, so it is per payment.
Python threads share one interpreter lock; the generator is the same for every contender, so the
ratios between contenders stay fair even where it adds its own cost.
"""
from __future__ import annotations

import http.client
import json
import math
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class LoadResult:
    clients: int
    duration: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds, successful steps only
    outcomes: Counter = field(default_factory=Counter)  # "ok" or the failure (status code…)
    requests: int = 0  # HTTP round trips (or transactions) made
    samples: dict = field(default_factory=dict)  # failure → the first answer's body (for the log)

    @property
    def ok(self) -> int:
        return self.outcomes["ok"]

    @property
    def failed(self) -> int:
        return sum(n for k, n in self.outcomes.items() if k != "ok")

    @property
    def throughput(self) -> float:
        return self.ok / self.duration if self.duration else 0.0

    def percentile(self, p: float) -> float:
        return percentile(self.latencies, p)

    def summary(self) -> dict:
        return {
            "clients": self.clients, "duration_s": round(self.duration, 3), "ok": self.ok,
            "failed": self.failed, "failures": {str(k): v for k, v in self.outcomes.items() if k != "ok"},
            "failure_samples": dict(self.samples),
            "requests": self.requests, "throughput": round(self.throughput, 1),
            "p50_ms": round(self.percentile(50) * 1000, 2),
            "p95_ms": round(self.percentile(95) * 1000, 2),
            "p99_ms": round(self.percentile(99) * 1000, 2),
        }


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (the smallest value with at least p % of values at or below it)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


# A step gets (connection, worker index, sequence number) and returns (outcome, round trips) or
# (outcome, round trips, detail): the detail of a failure (its body) is kept once per outcome.
Step = Callable[[object, int, int], tuple]


def run(clients: int, duration: float, connect: Callable[[], object], step: Step,
        close: Callable[[object], None] = lambda conn: conn.close()) -> LoadResult:
    """Run ``clients`` workers for ``duration`` seconds; every worker starts at the same instant."""
    result = LoadResult(clients)
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)
    window = {}

    def worker(index: int) -> None:
        conn = connect()
        latencies, outcomes, samples, trips, seq = [], Counter(), {}, 0, 0
        barrier.wait()
        deadline = window["start"] + duration
        try:
            while time.perf_counter() < deadline:
                begin = time.perf_counter()
                outcome, n, *detail = step(conn, index, seq)
                trips += n
                seq += 1
                if outcome == "ok":
                    latencies.append(time.perf_counter() - begin)
                elif detail and outcome not in samples:
                    samples[outcome] = str(detail[0])[:300]
                outcomes[outcome] += 1
        finally:
            close(conn)
        with lock:
            result.latencies.extend(latencies)
            result.outcomes.update(outcomes)
            for outcome, sample in samples.items():
                result.samples.setdefault(outcome, sample)
            result.requests += trips
            window["end"] = max(window.get("end", 0.0), time.perf_counter())

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    window["start"] = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join(duration + 120)
    result.duration = window.get("end", time.perf_counter()) - window["start"]
    return result


def http_connector(port: int, host: str = "127.0.0.1") -> Callable[[], http.client.HTTPConnection]:
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise ValueError("the load generator only talks to loopback addresses")
    return lambda: http.client.HTTPConnection(host, port, timeout=60)


def post_json(conn: http.client.HTTPConnection, path: str, body: dict,
              headers: dict | None = None) -> tuple[int, bytes]:
    """POST a JSON body; on a dropped connection (a worker that closed it) reconnect and count
    the request as failed with the exception's name rather than crash the worker."""
    payload = json.dumps(body).encode()
    try:
        conn.request("POST", path, payload, {"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    except (http.client.HTTPException, OSError) as exc:
        conn.close()
        return 0, type(exc).__name__.encode()
