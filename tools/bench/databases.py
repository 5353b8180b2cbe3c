"""The benchmark databases on the local MariaDB: names, connections, creation, row counts.

Only databases whose name starts with ``kp_bench_`` are ever created or dropped here, so the
harness cannot touch Koha's or the test suite's databases.
"""
from __future__ import annotations

import os

import dj_database_url
import MySQLdb

PREFIX = "kp_bench_"
INTAKE_DB = "kp_bench_intake"
FLOOR_DB = "kp_bench_floor"
SIZES = {"100k": 100_000, "1m": 1_000_000, "5m": 5_000_000}

# Server only (no database name); the benchmark runs on loopback by design.
SERVER_URL = os.environ.get("BENCH_MARIADB_URL", "mysql://root@127.0.0.1:3306")

# The same session settings kohapay uses (kohapay/settings.py), so every contender pays the same.
SESSION_INIT = (
    "SET time_zone = '+00:00', "
    "sql_mode = 'STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', "
    "tx_isolation = 'READ-COMMITTED'"
)

# Koha's ledger tables and kohapay's intake record, as the intake writes them.
LEDGER_TABLES = ("accountlines", "account_offsets", "statistics", "action_logs", "kohapay_intake")
ROWS_PER_PAYMENT = {
    "accountlines": 2, "account_offsets": 3, "statistics": 1, "action_logs": 2, "kohapay_intake": 1,
}


def size_db(label: str) -> str:
    return f"{PREFIX}{label}"


def server_params() -> dict:
    parsed = dj_database_url.parse(SERVER_URL + "/x")
    host = parsed["HOST"] or "127.0.0.1"
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit(f"The benchmark runs on loopback only; BENCH_MARIADB_URL points at {host}.")
    return {
        "host": host, "port": int(parsed["PORT"] or 3306),
        "user": parsed["USER"], "password": parsed["PASSWORD"] or "",
    }


def database_url(name: str) -> str:
    return f"{SERVER_URL.rstrip('/')}/{name}"


def connect(name: str | None = None, autocommit: bool = True):
    params = server_params()
    kwargs = {"db": name} if name else {}
    conn = MySQLdb.connect(
        **params, **kwargs, charset="utf8mb4", init_command=SESSION_INIT, connect_timeout=5,
    )
    conn.autocommit(autocommit)
    return conn


def _checked(name: str) -> str:
    if not name.startswith(PREFIX) or not name.replace("_", "").isalnum():
        raise ValueError(f"{name!r} is not a benchmark database name")
    return name


def exists(name: str) -> bool:
    conn = connect()
    try:
        cur = conn.cursor()
        cur.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", [name])
        return cur.fetchone() is not None
    finally:
        conn.close()


def recreate(name: str) -> None:
    """Drop (if present) and create an empty benchmark database."""
    conn = connect()
    try:
        cur = conn.cursor()
        cur.execute(f"DROP DATABASE IF EXISTS `{_checked(name)}`")
        cur.execute(
            f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        )
    finally:
        conn.close()


def drop(name: str) -> None:
    conn = connect()
    try:
        conn.cursor().execute(f"DROP DATABASE IF EXISTS `{_checked(name)}`")
    finally:
        conn.close()


def count_rows(name: str, tables=LEDGER_TABLES) -> dict[str, int]:
    conn = connect(name)
    try:
        cur = conn.cursor()
        counts = {}
        for table in tables:
            cur.execute(f"SELECT COUNT(*) FROM `{table}`")
            counts[table] = cur.fetchone()[0]
        return counts
    finally:
        conn.close()


def server_version() -> str:
    conn = connect()
    try:
        cur = conn.cursor()
        cur.execute("SELECT VERSION()")
        return cur.fetchone()[0]
    finally:
        conn.close()
