"""What the figures were measured on."""
from __future__ import annotations

import os
import platform
import subprocess
import time

from tools.bench import databases


def describe() -> dict:
    return {
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gib": _memory_gib(),
        "mariadb": databases.server_version(),
        "mariadb_settings": _server_settings(),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "git_commit": _git_commit(),
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _server_settings() -> dict:
    names = ("innodb_buffer_pool_size", "innodb_flush_log_at_trx_commit", "sync_binlog",
             "log_bin", "innodb_autoinc_lock_mode")
    conn = databases.connect()
    try:
        cur = conn.cursor()
        cur.execute("SHOW GLOBAL VARIABLES WHERE Variable_name IN (%s)" % ",".join(["%s"] * len(names)),
                    names)
        return dict(cur.fetchall())
    finally:
        conn.close()


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


CALIBRATION_LOOP = 5_000_000
CALIBRATION_ROUND_TRIPS = 2000


def calibration() -> dict:
    """How fast this machine runs *right now*, taken before and after a run: a fixed pure-Python
    loop (the cores) and a ``SELECT 1`` round trip to MariaDB over loopback (the path every
    statement takes: driver, kernel, server). A virtual machine whose host is busy, or a test
    suite running beside the benchmark, moves both — and with them absolute figures and, less,
    ratios. Compare them between runs of the same machine only."""
    return {"python_loop_ms": _python_loop_ms(), "select1_us": _select1_us()}


def _python_loop_ms() -> float:
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        total = 0
        for n in range(CALIBRATION_LOOP):
            total += n
        best = min(best, time.perf_counter() - began)
    return round(best * 1000, 1)


def _select1_us() -> float:
    conn = databases.connect()
    try:
        cur = conn.cursor()
        samples = []
        for _ in range(CALIBRATION_ROUND_TRIPS):
            began = time.perf_counter()
            cur.execute("SELECT 1")
            cur.fetchall()
            samples.append(time.perf_counter() - began)
    finally:
        conn.close()
    samples.sort()
    return round(samples[len(samples) // 2] * 1e6, 1)
