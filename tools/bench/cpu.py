"""CPU time per payment, by process: where each contender's cost lands on this machine.

On a machine whose cores are shared by the load generator, the HTTP server and MariaDB, a
contender's throughput at high concurrency is about (cores ÷ CPU seconds per payment, all
processes together). Splitting those seconds by process says which part a ratio comes from:
the server (Django and kohapay's layers), MariaDB (its statements and commits), or the load
generator (the same per request for every HTTP contender). Read from ``/proc`` (Linux only:
elsewhere every figure is None and the report says so).
"""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path

PROC = Path("/proc")
SERVER_NAMES = ("mariadbd", "mysqld")


def _ticks() -> int:
    return os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> list[str] | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()  # after "pid (comm)": state is field 0


def _seconds(fields: list[str], with_children: bool) -> float:
    # utime, stime, cutime, cstime are fields 14–17 of stat(5), 11–14 after the comm.
    used = int(fields[11]) + int(fields[12])
    if with_children:  # workers that exited and were reaped count in their parent
        used += int(fields[13]) + int(fields[14])
    return used / _ticks()


def process_tree_seconds(root: int) -> float | None:
    """CPU seconds used so far by ``root`` and every live process below it."""
    parents = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None:
                parents[int(entry.name)] = (int(fields[1]), fields)
    if root not in parents:
        return None
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += _seconds(parents[pid][1], with_children=True)
        todo += [child for child, (parent, _) in parents.items() if parent == pid]
    return total


def database_server_pid() -> int | None:
    """The local MariaDB server's pid (None when it runs elsewhere or /proc is missing)."""
    if not PROC.is_dir():
        return None
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in SERVER_NAMES:
                    return int(entry.name)
            except OSError:
                continue
    return None


def machine_busy_seconds() -> float | None:
    """CPU seconds all cores spent not idle since boot (every process, ours or not)."""
    try:
        values = [int(v) for v in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return (sum(values[:8]) - idle) / _ticks()


def _snapshot(server_pid: int | None, database_pid: int | None) -> dict:
    return {
        "load_generator": time.process_time(),  # this process, every thread
        "server": process_tree_seconds(server_pid) if server_pid else None,
        "mariadb": process_tree_seconds(database_pid) if database_pid else None,
        "machine": machine_busy_seconds(),
    }


@contextmanager
def measured(server_pid: int | None, database_pid: int | None):
    """CPU seconds spent during the block, by part: ``load_generator`` (this process: the load
    generator, or the physical floor's own clients), ``server`` (the HTTP server's process
    tree), ``mariadb``, and ``machine`` (all cores, every process, including any other load)."""
    spent: dict = {}
    before = _snapshot(server_pid, database_pid)
    yield spent
    after = _snapshot(server_pid, database_pid)
    for part, value in after.items():
        spent[part] = None if value is None or before[part] is None else value - before[part]


def per_payment_ms(spent: dict, payments: int) -> dict:
    """The seconds of ``measured`` as milliseconds per payment (None where unknown)."""
    if payments <= 0:
        return {part: None for part in spent}
    return {part: None if value is None else round(value / payments * 1000, 3)
            for part, value in spent.items()}
