"""`manage.py koha_schema check|create` on real MariaDB: the check passes on the project's tables
and lists every dropped or retyped column precisely; create refuses a database with a Koha table.

Damage is done in a scratch database created (and dropped) by the test, reached through a
connection alias added for the test only.
"""
from io import StringIO

import MySQLdb
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from koha import checks
from koha import schema as kohaschema

SCRATCH = "koha_scratch"


def server():
    db = connection.settings_dict
    return MySQLdb.connect(
        host=db["HOST"] or "127.0.0.1", port=int(db["PORT"] or 3306), user=db["USER"],
        password=db["PASSWORD"],
    )


@pytest.fixture
def scratch(db):
    """An empty database beside the test database, reached as the alias ``koha_scratch``."""
    name = f"{connection.settings_dict['NAME']}_scratch"
    admin = server()
    admin.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")
    admin.cursor().execute(
        f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    )
    # Registered on this thread only (not in settings.DATABASES): Django's test case lets such a
    # dynamically created connection through, and nothing outlives the test.
    wrapper = type(connections["default"])
    connections[SCRATCH] = wrapper({**connection.settings_dict, "NAME": name}, SCRATCH)
    try:
        yield SCRATCH
    finally:
        connections[SCRATCH].close()
        del connections[SCRATCH]
        admin.cursor().execute(f"DROP DATABASE `{name}`")
        admin.close()


def run_sql(alias, *statements):
    with connections[alias].cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def test_check_passes_on_the_projects_tables(db):
    out = StringIO()
    call_command("koha_schema", "check", stdout=out)

    assert kohaschema.compare() == {}
    assert f"OK: {len(kohaschema.koha_tables())} Koha tables match" in out.getvalue()
    assert checks.koha_schema_matches() == []


def test_check_lists_every_dropped_or_retyped_column(scratch):
    kohaschema.create(scratch)
    assert kohaschema.compare(scratch) == {}
    run_sql(
        scratch,
        "ALTER TABLE accountlines DROP COLUMN payment_type",
        "ALTER TABLE accountlines MODIFY interface varchar(8) NOT NULL",
        "ALTER TABLE account_offsets MODIFY amount int(11) NOT NULL",
        "ALTER TABLE cash_registers MODIFY starting_float decimal(28,2) DEFAULT NULL",
        "DROP TABLE account_credit_types_branches",
    )

    assert kohaschema.compare(scratch) == {
        "koha.AccountLine": [
            "`accountlines.payment_type` is missing",
            "`accountlines.interface` holds 8 characters, expected at least 16",
        ],
        "koha.AccountOffset": [
            "`account_offsets.amount` is int, expected one of decimal, numeric for DecimalField",
        ],
        "koha.CreditTypeLibrary": ["table `account_credit_types_branches` is missing"],
        "koha.CashRegister": ["`cash_registers.starting_float` has scale 2, expected 6"],
    }
    err = StringIO()
    with pytest.raises(CommandError, match=r"^5 mismatch\(es\) between this database"):
        call_command("koha_schema", "check", database=scratch, stderr=err)
    assert err.getvalue().splitlines() == [  # by table name, then column order
        "koha.CreditTypeLibrary: table `account_credit_types_branches` is missing",
        "koha.AccountOffset: `account_offsets.amount` is int, expected one of decimal, "
        "numeric for DecimalField",
        "koha.AccountLine: `accountlines.payment_type` is missing",
        "koha.AccountLine: `accountlines.interface` holds 8 characters, expected at least 16",
        "koha.CashRegister: `cash_registers.starting_float` has scale 2, expected 6",
    ]


def test_create_refuses_a_database_that_has_koha_tables(db):
    with pytest.raises(CommandError, match="Refusing to create Koha tables") as refused:
        call_command("koha_schema", "create")

    assert "accountlines" in str(refused.value) and "borrowers" in str(refused.value)


def test_create_refuses_when_a_single_koha_table_exists_and_creates_nothing(scratch):
    run_sql(scratch, "CREATE TABLE branches (branchcode varchar(10) PRIMARY KEY)")

    with pytest.raises(CommandError, match=r"already has branches\. koha_schema create only runs"):
        call_command("koha_schema", "create", database=scratch)

    assert kohaschema.existing_koha_tables(scratch) == ["branches"]


def test_create_makes_every_mapped_table_in_an_empty_database(scratch):
    out = StringIO()
    call_command("koha_schema", "create", database=scratch, stdout=out)

    assert kohaschema.existing_koha_tables(scratch) == kohaschema.koha_tables()
    assert kohaschema.compare(scratch) == {}
    assert f"Created {len(kohaschema.koha_tables())} Koha tables" in out.getvalue()
