"""The intake transaction's writes as fixed SQL: INSERTs of model instances, and the UPDATE that
settles both lines.

Why not ``bulk_create``/``create``/``update``: they compiled their statement through the ORM on
every intake (~0.2 ms of CPU each, more than MariaDB took to run it) although it never changes
shape. Here each statement is built once per model and row count from the model's own fields,
and every value goes through the field methods the ORM itself calls (``pre_save`` — e.g.
``auto_now_add`` — then ``get_db_prep_save``: exact Decimals, UTC datetimes, JSON with the
field's encoder), so the rows are the ones the ORM wrote. Columns with a ``db_default`` (Koha's
``timestamp``, ``created_on``) are left to the database, as the ORM's ``DEFAULT`` did.
Backquoted names work on MariaDB and on the SQLite demo.
"""
from functools import cache

from django.db import connection, models
from django.db.models.expressions import DatabaseDefault


def insert(objs: list, *, return_ids: bool = False, return_rows: bool = False) -> None:
    """INSERT ``objs`` (new instances of one model) in one statement. With ``return_ids`` their
    primary keys are set from ``RETURNING``, as ``bulk_create`` does; with ``return_rows`` every
    column is, as stored (ids, database defaults, values as the column keeps them) — the row
    without reading it again. ``return_rows`` needs ``can_return_rows_from_bulk_insert``."""
    model = type(objs[0])
    if return_ids and not connection.features.can_return_rows_from_bulk_insert:
        model.objects.bulk_create(objs)  # a database without RETURNING (an old SQLite)
        return
    _check_defaults(model, objs)
    params = [_value(field, plain, obj)
              for obj in objs for field, plain in _write_columns(model)]
    returning = "rows" if return_rows else "ids" if return_ids else None
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(model, len(objs), returning), params)
        if returning:
            for obj, row in zip(objs, cursor.fetchall(), strict=True):
                if return_rows:
                    stored_row(model, row, into=obj)
                else:
                    obj.pk = row[0]
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias


def stored_row(model, row, into=None):
    """A row of every concrete column of ``model`` (in field order) as an instance, each value
    through the converters the ORM applies when it reads (aware datetimes, exact Decimals on
    the SQLite demo); ``into`` an existing instance instead of a new one."""
    readers = _readers(model, connection.vendor)
    values = []
    for value, (_, column, converters) in zip(row, readers, strict=True):
        for converter in converters:
            value = converter(value, column, connection)
        values.append(value)
    if into is None:
        return model.from_db(connection.alias, None, values)
    for (field, _, _), value in zip(readers, values):
        setattr(into, field.attname, value)
    return into


@cache
def _readers(model, vendor: str) -> tuple:
    """(field, column expression, converters) per concrete field: what the SQL compiler applies
    to a value it reads (``vendor``: the converters depend on the database)."""
    table = model._meta.db_table
    return tuple(
        (field, field.get_col(table),
         connection.ops.get_db_converters(field.get_col(table))
         + field.get_db_converters(connection))
        for field in model._meta.concrete_fields
    )


def update_column(model, pks: list[int], field_name: str, value) -> None:
    """UPDATE one column of the rows with these primary keys (what ``QuerySet.update`` wrote)."""
    field = model._meta.get_field(field_name)
    with connection.cursor() as cursor:
        cursor.execute(_update_sql(model, field.column, len(pks)),
                       [field.get_db_prep_save(value, connection), *pks])


@cache
def _insert_fields(model) -> tuple:
    """The columns written: all but an auto primary key and ``db_default`` columns."""
    return tuple(f for f in model._meta.concrete_fields
                 if not (f.primary_key and f.get_internal_type().endswith("AutoField"))
                 and not f.has_db_default())


# Columns whose ``pre_save`` is a plain attribute read and whose ``get_db_prep_save`` gives back
# a value of their own type unchanged: text columns a str, integer columns (and foreign keys to
# them) a non-zero int, and both None. Skipping the two calls for those values saves ~0.3 ms of
# CPU per intake (84 values); any other value — a Decimal, a datetime, JSON, a bool, 0, an int
# for a text column — still goes through the field.
TEXT_FIELDS = (models.CharField, models.TextField)
INTEGER_FIELDS = (models.IntegerField, models.BigIntegerField, models.PositiveIntegerField,
                  models.PositiveSmallIntegerField, models.AutoField, models.BigAutoField)


@cache
def _write_columns(model) -> tuple:
    """(field, the type its values may have to skip the field's methods, or None), per
    inserted column in ``_insert_fields`` order."""
    return tuple((field, _plain(field)) for field in _insert_fields(model))


def _plain(field) -> type | None:
    column = field.target_field if isinstance(field, models.ForeignKey) else field
    if type(column) in TEXT_FIELDS:
        return str
    if type(column) in INTEGER_FIELDS and not (column is field and field.primary_key):
        return int
    return None


def _value(field, plain: type | None, obj):
    if plain is not None:
        value = getattr(obj, field.attname)
        if value is None or (type(value) is plain and (plain is str or value != 0)):
            return value
    return field.get_db_prep_save(field.pre_save(obj, add=True), connection)


def _check_defaults(model, objs) -> None:
    """A value set on a ``db_default`` column would be silently dropped: refuse it."""
    for field in model._meta.concrete_fields:
        if field.has_db_default() and any(
                not isinstance(getattr(obj, field.attname), DatabaseDefault) for obj in objs):
            raise ValueError(f"{field} is written by the database; do not set it")


@cache
def _insert_sql(model, rows: int, returning: str | None) -> str:
    columns = ", ".join(f"`{field.column}`" for field in _insert_fields(model))
    row = "(" + ", ".join(["%s"] * len(_insert_fields(model))) + ")"
    table = model._meta.db_table
    returned = {"ids": [model._meta.pk], "rows": model._meta.concrete_fields, None: []}[returning]
    back = (" RETURNING " + ", ".join(f"`{table}`.`{f.column}`" for f in returned)
            if returned else "")
    return f"INSERT INTO `{table}` ({columns}) VALUES {', '.join([row] * rows)}{back}"


@cache
def _update_sql(model, column: str, rows: int) -> str:
    table, pk = model._meta.db_table, model._meta.pk.column
    keys = ", ".join(["%s"] * rows)
    return f"UPDATE `{table}` SET `{column}` = %s WHERE `{table}`.`{pk}` IN ({keys})"
