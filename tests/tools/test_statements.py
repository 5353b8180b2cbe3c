"""The harness counts the statements of the intake's own transaction — the one that inserts into
``accountlines`` — between its BEGIN and its COMMIT, apart from any other transaction of the
request (such as a rate limiter's) and from autocommit statements."""
import pytest
from django.db import connection, transaction

from tools.bench.inprocess import intake_transaction, recorded_statements, statement_counts

LINE = "INSERT INTO accountlines (amount, interface) VALUES (1, 'bench-test')"


def run(sql: str) -> None:
    with connection.cursor() as cur:
        cur.execute(sql)


@pytest.mark.django_db(transaction=True)
def test_only_the_transaction_that_inserts_lines_counts_as_the_intake():
    with recorded_statements() as events:
        run("SELECT 1")  # autocommit, like authentication
        with transaction.atomic():  # another transaction, like a rate limiter's counter
            run("SELECT 2")
            run("SELECT 3")
        with transaction.atomic():  # the intake's
            run("SELECT 4")
            run(LINE)
            run("SELECT 5")
        run("SELECT 6")

    counts = statement_counts(events)

    assert counts["total"] == 7
    assert counts["in_transaction"] == 3
    assert counts["in_other_transactions"] == 2
    assert counts["other_transactions"] == 1
    assert counts["autocommit"] == 2
    assert counts["intake_committed"] is True
    kinds = [e["kind"] for e in events if e["kind"] != "statement"]
    assert kinds == ["BEGIN", "COMMIT", "BEGIN", "COMMIT"]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_intake_is_not_reported_as_committed():
    with recorded_statements() as events:
        with pytest.raises(RuntimeError), transaction.atomic():
            run(LINE)
            raise RuntimeError("invariant broken")

    assert statement_counts(events)["in_transaction"] == 1
    assert statement_counts(events)["intake_committed"] is False
    assert events[-1]["kind"] == "ROLLBACK"


@pytest.mark.django_db(transaction=True)
def test_the_connection_is_left_as_it_was_found():
    with recorded_statements():
        pass
    assert "_commit" not in vars(connection._connections[connection._alias])
    with recorded_statements() as events, transaction.atomic():
        run(LINE)
    assert intake_transaction(events) == 1  # numbering starts again for each recording
