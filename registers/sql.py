"""Shared pieces of the dashboard statements written as SQL (``overview_sql``, ``transactions``,
``Recency.since_sql``): values cross in both directions through the model fields' own
conversions, as the ORM's do, so a figure read here is the ORM's to the last digit (exact
Decimals and aware datetimes on MariaDB and on the SQLite demo)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from django.db import connection

from koha.models import AccountLine

_DATE = AccountLine._meta.get_field("date")


def instant(value: datetime):
    """An aware datetime as a parameter compared with a ``DateTimeField`` column."""
    return _DATE.get_db_prep_value(value, connection)


def column_reader(model, field_name: str) -> Callable:
    """A value of ``model.field_name`` (or an aggregate of it) as the ORM reads it."""
    field = model._meta.get_field(field_name)
    column = field.get_col(model._meta.db_table)
    converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)

    def read(value):
        for converter in converters:
            value = converter(value, column, connection)
        return value

    return read


def marks(values) -> str:
    """``%s, %s, …``: one placeholder per value."""
    return ", ".join(["%s"] * len(values))


def id_list(ids: Iterable[int]) -> str:
    """Ids read by the same request, written into the statement (each through ``int``, so nothing
    else can get in): hundreds of placeholders cost more to escape one by one than the query."""
    return ", ".join(str(int(i)) for i in ids)
