"""Every mapped Koha model writes and reads back every column unchanged on MariaDB (strict mode,
so a value that did not fit would raise rather than be truncated).

Table-driven: one case per model from ``kohaschema.koha_models()``. Each column gets a value that is
not its default — the longest string it may hold (with multi-byte characters), a decimal using every
digit of its precision, a datetime, the far end of its integer range. Columns that carry a foreign
key in Koha's schema point at anchor rows created first.
"""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.db import connection, models

from koha import schema as kohaschema
from koha.models import (
    AccountLine,
    AccountOffset,
    ActionLog,
    AuthorisedValue,
    AuthorisedValueCategory,
    CashRegister,
    CashRegisterAction,
    CreditType,
    DebitType,
    Library,
    Patron,
    PermissionCode,
    UserFlag,
)

MODELS = kohaschema.koha_models()
WHEN = datetime(2031, 7, 14, 23, 59, 58, tzinfo=timezone.utc)
TEXT = "Line one\nO'Brien — “quoted” — 😀 café\\ " * 40


@pytest.fixture
def anchors(db):
    """Rows that foreign-key columns point at, as {table: {column: value}}."""
    library = Library.objects.create(branchcode="ANCHOR", branchname="Anchor library")
    patron = Patron.objects.create(cardnumber="ANCHOR", library=library)
    category = AuthorisedValueCategory.objects.create(category_name="ANCHOR")
    rows = [
        library, patron, category,
        DebitType.objects.create(code="ANCHOR"),
        CreditType.objects.create(code="ANCHOR"),
        CashRegister.objects.create(name="Anchor", description="", library=library),
        AccountLine.objects.create(interface="intranet"),
        AuthorisedValue.objects.create(category="ANCHOR", authorised_value="ANCHOR"),
        UserFlag.objects.create(bit=63, flag="anchor"),
        PermissionCode.objects.create(module_bit=63, code="ANCHOR"),
    ]
    return {
        row._meta.db_table: {f.column: getattr(row, f.attname) for f in row._meta.concrete_fields}
        for row in rows
    }


def foreign_keys(table: str) -> dict[str, tuple[str, str]]:
    """Koha's foreign keys on ``table``: {column: (referenced column, referenced table)}."""
    with connection.cursor() as cursor:
        return connection.introspection.get_relations(cursor, table)


def sample(model, field, anchors) -> object:
    table = model._meta.db_table
    reference = foreign_keys(table).get(field.column)
    if reference:
        ref_column, ref_table = reference
        return anchors[ref_table][ref_column]
    if (table, field.column) in kohaschema.FLOAT_COLUMNS:
        return Decimal("-12345.6789")  # double(16,4): as many digits as a double keeps exactly
    return _by_type(field)


def _by_type(field) -> object:
    if field.choices:
        return field.choices[-1][0]
    if isinstance(field, models.AutoField):
        return 987654
    if isinstance(field, models.BigIntegerField):
        return 2**40 + 3
    if isinstance(field, models.IntegerField):
        return 2_000_000_007
    if isinstance(field, models.BooleanField):
        return not field.default if isinstance(field.default, bool) else True
    if isinstance(field, models.DecimalField):
        whole = ("1234567890" * 4)[: field.max_digits - field.decimal_places]
        return Decimal(f"-{whole}.{'987654321'[: field.decimal_places]}")
    if isinstance(field, models.DateTimeField):
        return WHEN
    if isinstance(field, models.DateField):
        return date(2031, 7, 14)
    if isinstance(field, models.CharField):
        return ("é€😀" + field.column * 20)[: field.max_length]
    if isinstance(field, models.TextField):
        return TEXT
    raise AssertionError(f"no sample value for {field!r}")


def identity(model, values) -> dict:
    """A filter finding the row again (Koha's key-less tables use the model's stand-in key)."""
    fields = model._meta.pk_fields
    table = model._meta.db_table
    exact = [f for f in fields if (table, f.column) not in kohaschema.FLOAT_COLUMNS]
    return {f.attname: values[f.attname] for f in exact}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.db_table)
def test_every_column_round_trips(model, anchors):
    fields = model._meta.concrete_fields
    values = {f.attname: sample(model, f, anchors) for f in fields}

    model.objects.create(**values)

    stored = list(model.objects.filter(**identity(model, values)).values(*values))
    assert stored == [values]
    assert all(type(stored[0][name]) is type(value) for name, value in values.items())


def test_every_koha_table_is_covered():
    assert {m._meta.db_table for m in MODELS} == {
        "accountlines", "account_offsets", "account_debit_types", "account_credit_types",
        "account_debit_types_branches", "account_credit_types_branches", "cash_registers",
        "cash_register_actions", "borrowers", "branches", "authorised_value_categories",
        "authorised_values", "authorised_values_branches", "systempreferences", "statistics",
        "action_logs", "api_keys", "userflags", "permissions", "user_permissions",
    }


MINIMAL_ROWS = {  # the fewest values each table with a database-set time needs
    "accountlines": lambda a: AccountLine(interface="intranet"),
    "account_offsets": lambda a: AccountOffset(debit_id=a["accountlines"]["accountlines_id"],
                                               type="CREATE", amount=Decimal("1")),
    "action_logs": lambda a: ActionLog(module="FINES"),
    "cash_register_actions": lambda a: CashRegisterAction(
        code="CASHUP", register_id=a["cash_registers"]["id"],
        manager_id=a["borrowers"]["borrowernumber"]),
}


@pytest.mark.parametrize("table", MINIMAL_ROWS)
def test_timestamp_columns_are_set_by_the_database(anchors, table):
    """Koha leaves `timestamp`/`created_on` to MariaDB's DEFAULT current_timestamp()."""
    row = MINIMAL_ROWS[table](anchors)
    row.save()
    row.refresh_from_db()
    set_by_db = [f for f in row._meta.concrete_fields if f.db_default is not models.NOT_PROVIDED]
    assert set_by_db
    for field in set_by_db:
        assert abs(getattr(row, field.attname) - datetime.now(timezone.utc)) < timedelta(minutes=5)
