"""The intake's INSERTs as fixed SQL (``payments.sql``) write what the ORM writes: the same
columns (those with only a ``db_default`` left to the database), values through the fields' own
methods."""
import re
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from koha.models import AccountLine, AccountOffset, ActionLog, Statistic
from payments.models import Intake
from payments import sql

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
        sql.insert([make()])
        transaction.set_rollback(True)
    orm, ours = (columns(q["sql"]) for q in queries.captured_queries[-2:])
    by_database = [f.column for f in model._meta.concrete_fields
                   if f.has_db_default() and not f.has_default()]
    assert ours == [c for c in orm if c not in by_database]


def test_ids_come_back_and_rows_read_back_equal(kiosk):
    made = [samples(kiosk)[0]() for _ in range(2)]
    sql.insert(made, return_ids=True)
    assert all(line.pk and not line._state.adding for line in made)
    stored = AccountLine.objects.get(pk=made[1].pk)
    assert (stored.amount, stored.date, stored.library_id) == (
        Decimal("2.5"), made[1].date, "CPL")
    assert stored.timestamp is not None  # left to the database


def test_a_value_for_a_database_default_column_is_refused(kiosk):
    line = samples(kiosk)[0]()
    line.timestamp = timezone.now()
    with pytest.raises(ValueError, match="written by the database"):
        sql.insert([line])


@pytest.mark.parametrize("index", range(5))
def test_values_are_the_fields_own_conversions(kiosk, index):
    """The shortcut for plain values (``_value`` skipping ``pre_save``/``get_db_prep_save``)
    hands the driver exactly what the field's own methods give, column by column."""
    obj = samples(kiosk)[index]()
    converters = sql._write_columns(type(obj))
    assert any(plain for _, plain in converters)  # the shortcut is really taken somewhere
    for field, plain in converters:
        got = sql._value(field, plain, obj)
        # pre_save has run inside _value where it does anything (auto_now_add): read its result
        expected = field.get_db_prep_save(getattr(obj, field.attname), connection)
        assert (type(got), got) == (type(expected), expected), field.name


@pytest.mark.parametrize("value", ["", "Ärger", 0, 7, None, True, Decimal("1"), 2**40])
def test_plain_shortcut_on_odd_values(value):
    """Values of other types than the shortcut expects still go through the field."""
    for field in (AccountLine._meta.get_field("description"),
                  AccountLine._meta.get_field("itemnumber"),
                  AccountLine._meta.get_field("patron")):
        line = AccountLine(**{field.attname: value})
        plain = sql._plain(field)
        try:
            expected = field.get_db_prep_save(field.pre_save(line, add=True), connection)
        except (TypeError, ValueError) as exc:
            with pytest.raises(type(exc)):
                sql._value(field, plain, line)
            continue
        got = sql._value(field, plain, line)
        assert (type(got), got) == (type(expected), expected), (field.name, value)
