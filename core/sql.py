"""core's hand-written SQL: the two statements the ORM cannot say.

Everything else in core goes through the ORM. Each statement's docstring gives its reason.
"""
from datetime import datetime

from django.db import DatabaseError, connection

from core.models import RateCounter

_TABLE = RateCounter._meta.db_table
_COLUMNS = "scope, ident, window_start, hits"
_MARIADB_COUNT = (
    f"INSERT INTO {_TABLE} ({_COLUMNS}) VALUES (%s, %s, %s, LAST_INSERT_ID(1)) "
    "ON DUPLICATE KEY UPDATE hits = LAST_INSERT_ID(hits + 1)"
)
_RETURNING_COUNT = (
    f"INSERT INTO {_TABLE} ({_COLUMNS}) VALUES (%s, %s, %s, 1) "
    "ON CONFLICT (scope, ident, window_start) DO UPDATE SET hits = hits + 1 RETURNING hits"
)


def count_in_window(scope: str, ident: str, window_start: datetime) -> int:
    """Add one hit to the counter row of (scope, ident, window_start), creating it at 1, and
    return the new count — in ONE statement, atomically.

    Why SQL: the ORM has no insert-or-increment. Its nearest, ``update()`` then ``create()``, is
    two to three statements that lose counts under concurrency (two requests reading the same
    count both pass); DRF's cache throttle before this cost 4 statements and a second commit per
    API request (docs/performance.md, "The rate limit: one statement per check")."""
    params = [scope, ident, connection.ops.adapt_datetimefield_value(window_start)]
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute(_MARIADB_COUNT, params)
            return int(cursor.lastrowid)
        cursor.execute(_RETURNING_COUNT, params)
        return int(cursor.fetchone()[0])


def database_knows_zone(name: str) -> bool:
    """Whether the database can convert to this named zone (MariaDB needs its time zone tables
    loaded — mysql_tzinfo_to_sql — which kohapay does not require).

    Why SQL: it asks the server a question about no table (``CONVERT_TZ`` of a constant); an ORM
    query needs a model's table to select from."""
    if connection.vendor != "mysql" or name == "UTC":
        return True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT CONVERT_TZ('2000-01-01 00:00:00', 'UTC', %s)", [name])
            return cursor.fetchone()[0] is not None
    except DatabaseError:
        return False
