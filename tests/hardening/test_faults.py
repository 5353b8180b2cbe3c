"""The database connection dies in the middle of an intake's transaction — really: another
connection ``KILL``s it (MariaDB then rolls the transaction back). The client gets a JSON 503
with ``Retry-After``, no row is left behind, and the retry with the same ``Idempotency-Key``
records the payment exactly once. The ledger audit passes afterwards."""
import threading
import time

import pytest
from django.db import connection

from koha.models import AccountLine
from payments.models import Intake
from payments.services import intake
from tests.helpers import ledger_is_clean, row_counts, second_connection

pytestmark = pytest.mark.django_db(transaction=True)


def kill(connection_id: int) -> None:
    other = second_connection()
    try:
        other.cursor().execute(f"KILL {int(connection_id)}")
    finally:
        other.close()


def own_connection_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT CONNECTION_ID()")
        return cursor.fetchone()[0]


def assert_unavailable(response) -> None:
    assert response.status_code == 503, response.content
    assert response.json()["error_code"] == "database_unavailable"
    assert response.json()["error"].endswith(".")
    assert int(response["Retry-After"]) > 0


def assert_recorded_once(pay, key: str) -> None:
    """The retry records it (not a replay), a further retry replays it, one payment in all."""
    retry = pay(key=key, external_id=f"ref-{key}")
    assert retry.status_code == 201, retry.content
    assert "Idempotent-Replayed" not in retry
    again = pay(key=key, external_id=f"ref-{key}")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == retry.json()
    assert Intake.objects.filter(idempotency_key=key).count() == 1
    assert AccountLine.objects.count() == 2
    assert "OK: no anomaly." in ledger_is_clean()


# After these steps the transaction holds: the patron's lock; both lines; every Koha row and
# the intake record (the kill then hits the COMMIT).
@pytest.mark.parametrize("step", ["_lock_patron", "_create_lines", "_record_intake"])
def test_connection_killed_inside_the_transaction(kiosk, pay, monkeypatch, step):
    real = getattr(intake, step)
    killed = []

    def step_then_kill(*args, **kwargs):
        result = real(*args, **kwargs)
        killed.append(own_connection_id())
        kill(killed[-1])
        return result

    monkeypatch.setattr(intake, step, step_then_kill)
    before = row_counts()
    assert_unavailable(pay(key="killed", external_id="ref-killed"))
    assert len(killed) == 1
    monkeypatch.undo()
    assert row_counts() == before  # MariaDB rolled the whole transaction back
    assert_recorded_once(pay, "killed")
    assert own_connection_id() != killed[0]  # Django reconnected by itself


def test_connection_killed_while_waiting_for_the_patrons_lock(kiosk, pay, caplog):
    """A Koha desk holds the patron's row; the intake waits inside its transaction and its
    connection is killed there (found in MariaDB's process list)."""
    desk = second_connection()
    desk.autocommit(False)
    desk.cursor().execute("SELECT * FROM borrowers WHERE borrowernumber = 42 FOR UPDATE")
    database = connection.settings_dict["NAME"]
    victims = []

    def kill_the_waiting_intake():
        watcher = second_connection()
        try:
            for _ in range(200):
                cursor = watcher.cursor()
                cursor.execute("SELECT id FROM information_schema.PROCESSLIST WHERE db = %s "
                               "AND id <> CONNECTION_ID() AND info LIKE %s",
                               [database, "%SELECT %`borrowers`%FOR UPDATE%"])
                row = cursor.fetchone()
                if row:
                    victims.append(row[0])
                    cursor.execute(f"KILL {int(row[0])}")
                    return
                time.sleep(0.05)
        finally:
            watcher.close()

    killer = threading.Thread(target=kill_the_waiting_intake)
    before = row_counts()
    killer.start()
    try:
        response = pay(key="waiting", external_id="ref-waiting")
    finally:
        killer.join(timeout=30)
        desk.rollback()
        desk.close()
    assert victims, "the intake never waited for the lock"
    assert_unavailable(response)
    # the kill ended the wait, not InnoDB's lock wait timeout (error 1205)
    assert "Lost connection" in caplog.text and "1205" not in caplog.text, caplog.text
    assert row_counts() == before
    assert_recorded_once(pay, "waiting")
