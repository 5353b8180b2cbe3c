"""The intake's INSERTs as fixed SQL (``services.intake_writes``) write what the ORM wrote: the
same columns (``db_default`` ones left to the database), values through the fields' own methods."""
import re
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from payments.models import AccountLine, AccountOffset, ActionLog, Intake, Statistic
from payments.services import intake_writes

COLUMNS = re.compile(r"INSERT INTO `\w+` \(([^)]*)\)")


def samples(kiosk):
    line = {"patron_id": 42, "amount": Decimal("2.5"), "amountoutstanding": Decimal("2.5"),
            "interface": "api", "library_id": "CPL", "debit_type_id": "PRINT",
            "date": timezone.now().replace(microsecond=0)}
    return [
        lambda: AccountLine(**line),
        lambda: AccountOffset(type="CREATE", amount=Decimal("2.5")),
        lambda: Statistic(datetime=timezone.now().replace(microsecond=0), type="payment",
                          value=Decimal("-2.5"), borrowernumber=42),
        lambda: ActionLog(user=51, module="FINES", action="CREATE", info="x"),
        lambda: Intake(client=kiosk.client, request_hash="h", patron_id=42, payment_id=1,
                       debit_id=2, response_body={"amount": Decimal("2.5")}),
    ]


def columns(sql: str) -> list[str]:
    return [name.strip(" `") for name in COLUMNS.match(sql).group(1).split(",")]


@pytest.mark.parametrize("index", range(5))
def test_same_columns_as_the_orm(kiosk, index):
    make = samples(kiosk)[index]
    model = type(make())
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        model.objects.bulk_create([make()])
        intake_writes.insert([make()])
        transaction.set_rollback(True)
    orm, ours = (columns(q["sql"]) for q in queries.captured_queries[-2:])
    by_database = [f.column for f in model._meta.concrete_fields if f.has_db_default()]
    assert ours == [c for c in orm if c not in by_database]


def test_ids_come_back_and_rows_read_back_equal(kiosk):
    made = [samples(kiosk)[0]() for _ in range(2)]
    intake_writes.insert(made, return_ids=True)
    assert all(line.pk and not line._state.adding for line in made)
    stored = AccountLine.objects.get(pk=made[1].pk)
    assert (stored.amount, stored.date, stored.library_id) == (
        Decimal("2.5"), made[1].date, "CPL")
    assert stored.timestamp is not None  # left to the database


def test_a_value_for_a_database_default_column_is_refused(kiosk):
    line = samples(kiosk)[0]()
    line.timestamp = timezone.now()
    with pytest.raises(ValueError, match="written by the database"):
        intake_writes.insert([line])
