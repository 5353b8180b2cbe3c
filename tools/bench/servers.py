"""Gunicorn on loopback, started and always stopped by the harness.

kohapay and the framework floor are served with the *same* settings (``GUNICORN_ARGS``), so the
ratio between them is the cost of kohapay's own layers. Sync workers: the production setting we
document (one request per process at a time; a process per core and then some, because a worker
waits on MariaDB for part of every request). The sync worker closes the connection after each
response, so every request also pays a TCP connect on loopback — for both contenders alike.
"""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout: tools/bench/servers.py
LOG_DIR = ROOT / "var" / "bench"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
PIDS: dict[int, int] = {}  # port → pid of the gunicorn master serving it (for ``tools.bench.cpu``)


def gunicorn_args(workers: int) -> list[str]:
    return ["--workers", str(workers), "--worker-class", "sync", "--timeout", "60",
            "--graceful-timeout", "5", "--backlog", "2048"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(app: str, env: dict, name: str, workers: int):
    """Serve ``app`` on 127.0.0.1 at a free port; yield the port; stop it whatever happens."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = open(LOG_DIR / f"gunicorn-{name}.log", "w")
    process = subprocess.Popen(
        [GUNICORN, app, "--bind", f"127.0.0.1:{port}", *gunicorn_args(workers)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        _wait_until_serving(port, process, name)
        PIDS[port] = process.pid
        yield port
    finally:
        PIDS.pop(port, None)
        _stop(process)
        log.close()


def _wait_until_serving(port: int, process: subprocess.Popen, name: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn ({name}) exited; see var/bench/gunicorn-{name}.log")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn ({name}) did not answer on port {port} within {timeout} s")


def _stop(process: subprocess.Popen) -> None:
    """TERM the server's own process group (it was started in a new session), then KILL."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)
