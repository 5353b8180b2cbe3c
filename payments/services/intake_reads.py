"""The reads of the intake transaction, as fixed SQL: the patron lock with the balance before,
then the lines just written with the balance after (``_check_invariants``); the offsets come
back from their INSERT (``offsets_of`` reads them on a database without ``RETURNING``).

Why not querysets: these statements never change shape, and building them through the ORM
(a correlated ``Subquery`` in ``Coalesce``, a ``union``) cost ~1.7 ms of CPU per intake — more
than MariaDB took to run them (micro-benchmark: lock 0.55 → 0.04 ms, re-read 1.16 → 0.26 ms).
The rows still go through Django's own converters (``intake_writes.stored_row``: exact Decimal
money on the SQLite demo too). Backquoted names work on MariaDB and SQLite alike.
"""
from decimal import Context, Decimal
from functools import cache

from django.db import connection

from koha.models import AccountLine, AccountOffset
from payments.services.intake_writes import stored_row

SIX_PLACES = Decimal("0.000001")  # accountlines money is decimal(28,6)
# Correlated on purpose: evaluated for the locked row, i.e. after the lock is granted, so it sees
# what a concurrent intake for the same patron committed while we waited (READ COMMITTED).
LOCK_SQL = (
    "SELECT COALESCE((SELECT SUM(`a`.`amountoutstanding`) FROM `accountlines` `a`"
    " WHERE `a`.`borrowernumber` = `borrowers`.`borrowernumber`), 0)"
    " FROM `borrowers` WHERE `borrowers`.`borrowernumber` = %s"
)


def lock_patron(patron_id: int) -> Decimal | None:
    """Lock the patron's ``borrowers`` row (FOR UPDATE) and return Koha's balance
    (SUM of ``amountoutstanding``, 0 without lines); None if there is no such patron."""
    sql = LOCK_SQL + (" FOR UPDATE" if connection.features.has_select_for_update else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, [patron_id])
        row = cursor.fetchone()
    return None if row is None else money(row[0])


def written_lines(patron_id: int, debit_id: int, credit_id: int
                  ) -> tuple[dict[int, AccountLine], Decimal | None]:
    """The two lines as stored (by id) and the patron's balance now (None without them)."""
    with connection.cursor() as cursor:
        cursor.execute(_lines_sql(), [patron_id, debit_id, credit_id])
        rows = cursor.fetchall()
    lines = {line.pk: line for line in (stored_row(AccountLine, row[:-1]) for row in rows)}
    return lines, money(rows[0][-1]) if rows else None


def offsets_of(debit_id: int, credit_id: int) -> list[AccountOffset]:
    """Every offset of either line, in id order (what the response lists)."""
    return list(AccountOffset.objects.raw(_offsets_sql(), [credit_id, debit_id]))


def money(value) -> Decimal:
    """A SUM of a money column read with plain SQL, as the ORM would give it: MariaDB's driver
    returns Decimal; the SQLite demo keeps decimal(28,6) as REAL, which Django's SQLite backend
    reads back to 15 significant digits, 6 places — done the same way here."""
    if value is None or isinstance(value, Decimal):
        return value
    return Context(prec=15).create_decimal_from_float(float(value)).quantize(SIX_PLACES)


def _columns(model) -> str:
    table = model._meta.db_table
    return ", ".join(f"`{table}`.`{field.column}`" for field in model._meta.concrete_fields)


@cache
def _lines_sql() -> str:
    return (
        f"SELECT {_columns(AccountLine)}, COALESCE((SELECT SUM(`a`.`amountoutstanding`)"
        " FROM `accountlines` `a` WHERE `a`.`borrowernumber` = %s), 0) AS `patron_balance`"
        " FROM `accountlines` WHERE `accountlines`.`accountlines_id` IN (%s, %s)"
    )


@cache
def _offsets_sql() -> str:
    return (
        f"SELECT {_columns(AccountOffset)} FROM `account_offsets`"
        " WHERE `account_offsets`.`credit_id` = %s OR `account_offsets`.`debit_id` = %s"
        " ORDER BY `account_offsets`.`id`"
    )
