"""The physical floor: the intake's rows written by a bare Python program over mysqlclient.

One connection per worker thread, one transaction per payment (``write_payment`` + COMMIT), no
HTTP, no framework: as close to the machine's limit for these rows as Python gets.
"""
from __future__ import annotations

import MySQLdb

from tools.bench import databases, ledger_sql, loadgen
from tools.bench.workload import Workload


def run(database: str, workload: Workload, tag: str, clients: int,
        duration: float) -> loadgen.LoadResult:
    def connect():
        return databases.connect(database, autocommit=False)

    def step(conn, worker: int, seq: int) -> tuple[str, int]:
        payment = workload.payment(tag, clients, worker, seq)
        try:
            with conn.cursor() as cur:
                ledger_sql.write_payment(cur, payment)
            conn.commit()
            return "ok", 1
        except MySQLdb.Error as exc:
            conn.rollback()
            return f"db-{exc.args[0]}", 1, str(exc)

    return loadgen.run(clients, duration, connect, step)
