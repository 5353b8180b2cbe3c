"""The Koha tables kohapay maps: creating them (tests, demo) and checking a live database.

``create`` runs the project's own DDL (``mariadb.sql`` or ``sqlite.sql`` beside this file) on a
database that has none of these tables, and refuses otherwise — so it can never touch a real Koha
database. ``compare`` introspects a live database and lists, per mapped model, every missing table
or column and every column whose type kohapay cannot safely read and write.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.db import connections

SCHEMA_DIR = Path(__file__).resolve().parent
KOHA_APPS = ("koha",)

# Koha stores `statistics.value` as double(16,4); kohapay writes it from a Decimal.
FLOAT_COLUMNS = {("statistics", "value")}

# Column data types (lower-case, without size) a model field can live on.
COMPATIBLE_TYPES = {
    "AutoField": {"int", "integer", "mediumint", "bigint"},
    "IntegerField": {"int", "integer", "mediumint", "bigint"},
    "BigIntegerField": {"bigint"},
    "BooleanField": {"tinyint", "smallint", "int", "integer", "bit", "bool", "boolean"},
    "CharField": {"varchar", "char", "enum"},
    "TextField": {"text", "tinytext", "mediumtext", "longtext", "varchar"},
    "DecimalField": {"decimal", "numeric"},
    "DateTimeField": {"timestamp", "datetime"},
    "DateField": {"date"},
}


class SchemaExistsError(Exception):
    """Raised when ``create`` finds Koha tables already present."""


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str
    length: int | None
    precision: int | None
    scale: int | None


def koha_models():
    """Every unmanaged model kohapay maps, in a stable order."""
    found = []
    for label in KOHA_APPS:
        found.extend(m for m in apps.get_app_config(label).get_models() if not m._meta.managed)
    return sorted(found, key=lambda m: m._meta.db_table)


def koha_tables() -> list[str]:
    return [m._meta.db_table for m in koha_models()]


def ddl_statements(vendor: str) -> list[str]:
    name = "mariadb.sql" if vendor == "mysql" else "sqlite.sql"
    text = (SCHEMA_DIR / name).read_text()
    text = re.sub(r"^--.*$", "", text, flags=re.MULTILINE)
    # Triggers contain inner semicolons: split on ";" that ends a line, keep a trigger whole.
    statements, current = [], []
    for line in text.splitlines():
        current.append(line)
        joined = "\n".join(current).strip()
        inside_trigger = joined.upper().startswith("CREATE TRIGGER") and not joined.upper().endswith("END;")
        if line.rstrip().endswith(";") and not inside_trigger:
            statements.append(joined.rstrip(";"))
            current = []
    return [s for s in statements if s.strip()]


def existing_koha_tables(using: str = "default") -> list[str]:
    connection = connections[using]
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
    return [t for t in koha_tables() if t in present]


def create(using: str = "default") -> list[str]:
    """Create every mapped Koha table in a database that has none of them."""
    present = existing_koha_tables(using)
    if present:
        raise SchemaExistsError(
            "Refusing to create Koha tables: this database already has "
            + ", ".join(present)
            + ". koha_schema create only runs on an empty database (tests, demo), never on Koha's."
        )
    connection = connections[using]
    with connection.cursor() as cursor:
        for statement in ddl_statements(connection.vendor):
            cursor.execute(statement)
    return koha_tables()


def live_columns(using: str, table: str) -> dict[str, Column]:
    """The table's columns as the database describes them (Django's introspection: MariaDB's
    ``information_schema``, SQLite's ``PRAGMA table_info``)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(cursor, table)
    if connection.vendor == "mysql":
        return {c.name: Column(c.name, c.data_type.lower(), _char_length(c), c.precision, c.scale)
                for c in described}
    return {c.name: _sqlite_column(c.name, c.type_code) for c in described}


def _char_length(column) -> int | None:
    """MariaDB's ``character_maximum_length``: only text columns have one."""
    return column.internal_size if column.data_type.lower() in {"varchar", "char"} else None


def _sqlite_column(name: str, declared: str) -> Column:
    match = re.match(r"\s*(\w+)\s*(?:\((\d+)\s*(?:,\s*(\d+))?\))?", declared.lower())
    base, first, second = match.groups() if match else (declared.lower(), None, None)
    if base in {"decimal", "numeric"}:
        return Column(name, base, None, _int(first), _int(second))
    return Column(name, base, _int(first), None, None)


def _int(value):
    return int(value) if value is not None else None


def compare(using: str = "default") -> dict[str, list[str]]:
    """Problems per model label; an empty dict means every mapped column fits."""
    problems: dict[str, list[str]] = {}
    present = set(existing_koha_tables(using))
    for model in koha_models():
        table = model._meta.db_table
        if table not in present:
            problems.setdefault(model._meta.label, []).append(f"table `{table}` is missing")
            continue
        columns = live_columns(using, table)
        for field in model._meta.concrete_fields:
            issue = _field_problem(table, field, columns.get(field.column))
            if issue:
                problems.setdefault(model._meta.label, []).append(issue)
    return problems


def _field_problem(table: str, field, column: Column | None) -> str | None:
    where = f"`{table}.{field.column}`"
    if column is None:
        return f"{where} is missing"
    # A foreign key column stores its target's key: check it as that field.
    stored = field.target_field if field.is_relation else field
    kind = stored.get_internal_type()
    if (table, field.column) in FLOAT_COLUMNS:
        accepted = {"double", "real", "float", "decimal"}
    else:
        accepted = COMPATIBLE_TYPES.get(kind, set())
        if field.choices:
            accepted = accepted | {"enum"}  # Koha's enums (account_offsets.type)
    if column.data_type not in accepted:
        return f"{where} is {column.data_type}, expected one of {', '.join(sorted(accepted))} for {kind}"
    if kind == "CharField" and column.length is not None and column.length < stored.max_length:
        return f"{where} holds {column.length} characters, expected at least {stored.max_length}"
    if kind == "DecimalField" and (table, field.column) not in FLOAT_COLUMNS:
        if column.scale is not None and column.scale != field.decimal_places:
            return f"{where} has scale {column.scale}, expected {field.decimal_places}"
        if column.precision is not None and column.precision < field.max_digits:
            return f"{where} has precision {column.precision}, expected at least {field.max_digits}"
    return None
