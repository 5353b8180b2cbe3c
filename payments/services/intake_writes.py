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

from django.db import connection
from django.db.models.expressions import DatabaseDefault


def insert(objs: list, *, return_ids: bool = False) -> None:
    """INSERT ``objs`` (new instances of one model) in one statement; with ``return_ids`` their
    primary keys are set from ``RETURNING``, as ``bulk_create`` does."""
    model = type(objs[0])
    if return_ids and not connection.features.can_return_rows_from_bulk_insert:
        model.objects.bulk_create(objs)  # a database without RETURNING (an old SQLite)
        return
    _check_defaults(model, objs)
    fields = _insert_fields(model)
    params = [_value(field, obj) for obj in objs for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(model, len(objs), return_ids), params)
        if return_ids:
            for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = pk
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias


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


def _value(field, obj):
    return field.get_db_prep_save(field.pre_save(obj, add=True), connection)


def _check_defaults(model, objs) -> None:
    """A value set on a ``db_default`` column would be silently dropped: refuse it."""
    for field in model._meta.concrete_fields:
        if field.has_db_default() and any(
                not isinstance(getattr(obj, field.attname), DatabaseDefault) for obj in objs):
            raise ValueError(f"{field} is written by the database; do not set it")


@cache
def _insert_sql(model, rows: int, return_ids: bool) -> str:
    columns = ", ".join(f"`{field.column}`" for field in _insert_fields(model))
    row = "(" + ", ".join(["%s"] * len(_insert_fields(model))) + ")"
    table, pk = model._meta.db_table, model._meta.pk.column
    returning = f" RETURNING `{table}`.`{pk}`" if return_ids else ""
    return f"INSERT INTO `{table}` ({columns}) VALUES {', '.join([row] * rows)}{returning}"


@cache
def _update_sql(model, column: str, rows: int) -> str:
    table, pk = model._meta.db_table, model._meta.pk.column
    keys = ", ".join(["%s"] * rows)
    return f"UPDATE `{table}` SET `{column}` = %s WHERE `{table}`.`{pk}` IN ({keys})"
