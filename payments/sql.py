"""The payments app's hand-written SQL, and nothing else of it anywhere (the rule: plain SQL only
where it beats the ORM by more than 20 % on a figure ``make bench`` reports; see
docs/performance.md, "Issue 13"), plus the statements the ORM cannot express.

The intake transaction's statements (``insert``, ``update_column``, ``lock_patron``,
``written_lines``, ``insert_returning_balance``): the rows ``koha.recipes`` builds, written and read back as fixed SQL — for
a charge and, the same statements for the same reason, for a payment of existing debits.
Measured on the in-process figure ``make bench`` reports ("ms per intake", alternating runs,
medians, 2026-12-06): the transaction's eight statements through the ORM (``bulk_create``, ``update``, a
locking queryset with a correlated ``Subquery``, an annotated re-read) made an intake 25 % slower
than these (docs/performance.md, "Issue 13"): the ORM compiles each statement on every intake
although none ever changes shape, ~0.2 ms of CPU apiece, more than MariaDB takes to run it.
Every value still goes through the model fields' own methods (``pre_save``,
``get_db_prep_save``; the converters on the way back), so the rows are the ORM's, byte for byte.

``counted_token_row``, ``counted_koha_key_token_row``: the token check and the rate limit's
count of the same request as one upsert (``INSERT … SELECT … ON DUPLICATE KEY UPDATE …
RETURNING``, MariaDB ≥ 10.5), which the ORM cannot say (no insert-or-increment, no RETURNING from
one: ``core.sql.count_in_window`` is SQL for the same reason); one round trip and one statement
per API request instead of two (docs/performance.md, "Issue 18").

``REFERENCES``: the facts behind every rule of an intake (``selectors.intake_references``) as one
``UNION ALL`` of twelve small indexed SELECTs. Measured on the in-process figure ``make bench``
reports ("ms per intake"; 9 alternating runs of 300 intakes, medians, 2026-12-06): the same
union built as twelve querysets made an intake 9.28 ms against 6.90 ms with this statement
(−26 %; Python CPU 7.41 → 5.00 ms), because the ORM builds and compiles twelve annotated
querysets on every request while MariaDB runs the statement in a fraction of a millisecond. Each branch reads what one rule needs, as rows (kind,
code, value, n1, n2, n3); text comes only from Koha's own columns (one collation), so the UNION
never mixes collations; kohapay's scope tables are joined to Koha's rows as the ORM's
many-to-many reads do (a deleted library, register or type is out of scope). Plain SQL that
MariaDB and the SQLite demo both run.

``TILL_REFERENCES``: the same for the rules of a sale or a refund (``payments.sales.references``),
ten branches; the ORM union it replaces was 45 % of a sale's profiled time (``till_reference_rows``
gives the measure).
"""
from decimal import Context, Decimal
from functools import cache

from django.db import connection, models
from django.db.models.expressions import DatabaseDefault
from oauth2_provider.models import get_access_token_model

from core.models import RateCounter
from koha.models import AccountLine, ApiKey, Patron
from payments.models import ApiClient, KohaKeyToken

REFERENCES = """
SELECT 'patron', NULL, NULL, borrowernumber, NULL, NULL
  FROM borrowers WHERE borrowernumber = %(patron)s
UNION ALL SELECT 'pref', variable, value, NULL, NULL, NULL
  FROM systempreferences
 WHERE variable IN ('UseCashRegisters', 'FinesLog', 'AutoCreditNumber', 'IndependentBranches',
                    'RenewAccruingItemWhenPaid', 'MarkLostItemsAsReturned')
UNION ALL SELECT 'client_library', b.branchcode, NULL, NULL, NULL, NULL
  FROM kohapay_api_client_libraries s JOIN branches b ON b.branchcode = s.library_id
 WHERE s.apiclient_id = %(client)s
UNION ALL SELECT 'client_register', NULL, NULL, r.id, NULL, NULL
  FROM kohapay_api_client_registers s JOIN cash_registers r ON r.id = s.cashregister_id
 WHERE s.apiclient_id = %(client)s
UNION ALL SELECT 'client_debit_type', d.code, NULL, NULL, NULL, NULL
  FROM kohapay_api_client_debit_types s JOIN account_debit_types d ON d.code = s.debittype_id
 WHERE s.apiclient_id = %(client)s
UNION ALL SELECT 'library', branchcode, NULL, NULL, NULL, NULL
  FROM branches WHERE branchcode = %(library)s
UNION ALL SELECT 'register', branch, NULL, archived, NULL, NULL
  FROM cash_registers WHERE id = %(register)s
UNION ALL SELECT 'debit_type', code, NULL, archived, can_be_invoiced, can_be_sold
  FROM account_debit_types WHERE code = %(debit_type)s
UNION ALL SELECT 'debit_type_library', branchcode, NULL, NULL, NULL, NULL
  FROM account_debit_types_branches WHERE debit_type_code = %(debit_type)s
UNION ALL SELECT 'payment_type', authorised_value, NULL, NULL, NULL, NULL
  FROM authorised_values WHERE category = 'PAYMENT_TYPE' AND authorised_value = %(payment_type)s
UNION ALL SELECT 'payment_type_library', l.branchcode, NULL, NULL, NULL, NULL
  FROM authorised_values_branches l JOIN authorised_values v ON v.id = l.av_id
 WHERE v.category = 'PAYMENT_TYPE' AND v.authorised_value = %(payment_type)s
UNION ALL SELECT 'credit_numbers', NULL, NULL, credit_number_enabled, NULL, NULL
  FROM account_credit_types WHERE code = 'PAYMENT'
"""


def reference_rows(*, client_id: int, patron_id: int, library_id: str | None,
                   register_id: int | None, debit_type: str | None,
                   payment_type: str) -> list[tuple]:
    """``REFERENCES`` for one intake: rows (kind, code, value, n1, n2, n3)."""
    params = {"patron": patron_id, "client": client_id, "library": library_id,
              "register": register_id, "debit_type": debit_type, "payment_type": payment_type}
    with connection.cursor() as cursor:
        cursor.execute(REFERENCES, params)
        return cursor.fetchall()


# The facts behind every rule of a sale or a refund (``payments.sales.references``), as one
# UNION ALL of small indexed SELECTs, in the shape (kind, code, value, first, second) the ORM
# union it replaces returned. ``{codes}``: one placeholder per debit type named.
TILL_REFERENCES = """
SELECT 'client_library', b.branchcode, NULL, NULL, NULL
  FROM kohapay_api_client_libraries s JOIN branches b ON b.branchcode = s.library_id
 WHERE s.apiclient_id = %s
UNION ALL SELECT 'client_register', NULL, NULL, r.id, NULL
  FROM kohapay_api_client_registers s JOIN cash_registers r ON r.id = s.cashregister_id
 WHERE s.apiclient_id = %s
UNION ALL SELECT 'client_debit_type', d.code, NULL, NULL, NULL
  FROM kohapay_api_client_debit_types s JOIN account_debit_types d ON d.code = s.debittype_id
 WHERE s.apiclient_id = %s
UNION ALL SELECT 'pref', variable, value, NULL, NULL
  FROM systempreferences
 WHERE variable IN ('UseCashRegisters', 'AutoCreditNumber', 'IndependentBranches')
UNION ALL SELECT 'payment_type', authorised_value, NULL, NULL, NULL
  FROM authorised_values WHERE category = 'PAYMENT_TYPE' AND authorised_value = %s
UNION ALL SELECT 'payment_type_library', l.branchcode, NULL, NULL, NULL
  FROM authorised_values_branches l JOIN authorised_values v ON v.id = l.av_id
 WHERE v.category = 'PAYMENT_TYPE' AND v.authorised_value = %s
UNION ALL SELECT 'credit_numbers', NULL, NULL, credit_number_enabled, NULL
  FROM account_credit_types WHERE code = %s
UNION ALL SELECT 'register', branch, NULL, archived, NULL
  FROM cash_registers WHERE id = %s
UNION ALL SELECT 'debit_type', code, NULL, archived, can_be_sold
  FROM account_debit_types WHERE code IN ({codes})
UNION ALL SELECT 'debit_type_library', debit_type_code, branchcode, NULL, NULL
  FROM account_debit_types_branches WHERE debit_type_code IN ({codes})
"""


def till_reference_rows(*, client_id: int, register_id: int | None, payment_type: str,
                        credit_type: str, debit_types: tuple[str, ...]) -> list[tuple]:
    """``TILL_REFERENCES`` for one sale or refund: rows (kind, code, value, first, second).

    Why SQL: the same union built as ten annotated querysets was compiled on every request, and
    that was a sale's largest cost. Measured in-process (a sale of three items through the test
    client, production settings, ``kp_bench_intake``; 3 alternating runs of 100 sales, medians,
    2026-12-06): 30.1 → 20.7 ms per sale (−31 %), Python CPU 12.4 → 6.9 ms (−44 %); a refund
    reads the same facts (docs/performance.md, "Issue 18: the sale and the payment of existing
    debits")."""
    codes = tuple(debit_types) or (None,)  # IN (NULL) matches nothing, as no branch at all
    params = [client_id] * 3 + [payment_type] * 2 + [credit_type, register_id, *codes, *codes]
    with connection.cursor() as cursor:
        cursor.execute(_till_references_sql(len(codes)), params)
        return cursor.fetchall()


@cache
def _till_references_sql(count: int) -> str:
    return TILL_REFERENCES.format(codes=", ".join(["%s"] * count))


def read_only_snapshot() -> None:
    """``verify_ledger``'s transaction as one consistent, read-only snapshot: REPEATABLE READ
    (kohapay's sessions run READ COMMITTED) and READ ONLY, set before its first read. Not a
    measured exception like ``REFERENCES``: the ORM has no way to say it (Django sets isolation
    only per connection, and READ ONLY not at all)."""
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def token_row(checksum: str, now) -> tuple | None:
    """The presented token (by its checksum) and its client, in one indexed query: (unexpired,
    token id, application id, client id, name, active, staff patron id, staff patron exists), or
    None. ``expires > now`` is the toolkit's ``not is_expired()`` (a NULL expiry is expired).

    Why SQL: every API request runs it. The same query as a ``values_list`` with the client joined
    and an ``Exists`` cost the intake 23 % more CPU in-process (2.72 → 3.55 ms Python CPU per
    intake, the figure behind ``make bench``'s server CPU per payment; 4 alternating runs of 200
    intakes, medians, 2026-12-06; docs/performance.md, "Issue 13"): the ORM compiled it on every
    request, ten times what MariaDB takes to run it."""
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(), [connection.ops.adapt_datetimefield_value(now), checksum])
        return cursor.fetchone()


@cache
def _token_sql() -> str:
    # Table names from the models: the toolkit's token model is swappable.
    token = get_access_token_model()._meta.db_table
    client, patron = ApiClient._meta.db_table, Patron._meta.db_table
    return (
        f"SELECT CASE WHEN t.expires > %s THEN 1 ELSE 0 END, t.id, t.application_id,"
        f" c.id, c.name, c.active, c.staff_patron_id,"
        f" EXISTS(SELECT 1 FROM {patron} p WHERE p.borrowernumber = c.staff_patron_id)"
        f" FROM {token} t LEFT JOIN {client} c ON c.application_id = t.application_id"
        f" WHERE t.token_checksum = %s"
    )


def counted_token_row(checksum: str, now, window_start) -> tuple | None:
    """For a token that passes every check of ``token_row`` (unexpired, its client active, the
    client's staff patron still in Koha): count the request in its client's ``api`` window and
    return (hits, token id, application id, client id, name, staff patron id), in ONE
    statement; None — nothing counted — for any other token (``token_row`` then says why).

    An ``INSERT … SELECT`` of the counter row from the token and its client, ``ON DUPLICATE KEY
    UPDATE hits = hits + 1`` (the same atomic increment as ``core.sql.count_in_window``, on the
    same row ``ApiRateThrottle`` counts: scope ``api``, ident ``client-<id>``), ``RETURNING``
    the new count and the client's columns (MariaDB ≥ 10.5). In READ COMMITTED the SELECT is a
    consistent read: it locks nothing but the counter row, for this autocommit statement only.

    Why SQL: the ORM has no insert-or-increment (``count_in_window``) and no ``RETURNING`` from
    one. Measured on ``make bench`` (docs/performance.md, "Issue 18"): the token check and the
    count as two statements, each with its round trip (the count with its own commit) cost the
    intake one of its statements per request."""
    return _counted_row(_counted_token_sql(), TOKEN_CLIENT_COLUMNS, checksum, now, window_start)


@cache
def _counted_token_sql() -> str:
    token = get_access_token_model()._meta.db_table
    client, patron = ApiClient._meta.db_table, Patron._meta.db_table
    joined = (f"FROM {token} t JOIN {client} c ON c.application_id = t.application_id"
              f" WHERE t.token_checksum = %s")
    return _counting_sql(joined, TOKEN_CLIENT_COLUMNS, also=(
        f" AND EXISTS(SELECT 1 FROM {patron} p WHERE p.borrowernumber = c.staff_patron_id)"))


def _counting_sql(joined: str, columns: tuple[str, ...], also: str = "") -> str:
    """The counting upsert of ``counted_token_row`` and ``counted_koha_key_token_row``: the
    client's ``api`` counter row from the token ``joined`` to its client (unexpired, the client
    active, ``also``), returning the count and ``columns``."""
    counter = RateCounter._meta.db_table
    # RETURNING names only the counter's columns; the client's come by the same unique index.
    returned = ", ".join(f"(SELECT {column} {joined})" for column in columns)
    return (
        f"INSERT INTO {counter} (scope, ident, window_start, hits)"
        f" SELECT 'api', CONCAT('client-', c.id), %s, 1 {joined}"
        f" AND t.expires > %s AND c.active = 1{also}"
        f" ON DUPLICATE KEY UPDATE hits = hits + 1"
        f" RETURNING hits, {returned}"
    )


def _counted_row(sql: str, columns: tuple[str, ...], checksum: str, now,
                 window_start) -> tuple | None:
    """Run a ``_counting_sql`` statement: the window, the token (in the SELECT and once per
    returned column's subquery) and the time the token must outlive."""
    params = [connection.ops.adapt_datetimefield_value(window_start), checksum,
              connection.ops.adapt_datetimefield_value(now), *[checksum] * len(columns)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


TOKEN_CLIENT_COLUMNS = ("t.id", "t.application_id", "c.id", "c.name", "c.staff_patron_id")


def koha_key_token_row(checksum: str, now) -> tuple | None:
    """A Koha API key's token (by its checksum), its kohapay client, and — while the key is in
    Koha's ``api_keys`` and active — the key's owner, in one indexed query: (unexpired, token
    id, client id, name, active, koha client_id, owner borrowernumber, userid, flags, home
    library), the owner's four NULL when the key is revoked or gone (or its owner is); or None.

    Why SQL: every request with a Koha key runs it, and Koha's key is no foreign key of kohapay's
    (``koha_client_id`` is text), so the ORM can only reach it through one correlated subquery
    per column. That queryset made an intake 25 % more expensive in CPU (6.99 → 9.30 ms Python
    CPU per intake; wall 12.9 → 15.6 ms, −17 %), the check itself 1.9 against 3.8 ms (in-process
    intakes through the test client as ``make bench``'s "ms per intake"; 9 alternating runs of
    200 intakes, medians, 2026-12-06; docs/performance.md, "Issue 14"): the same reason, and
    about the same figure, as ``token_row``'s."""
    with connection.cursor() as cursor:
        cursor.execute(_koha_key_token_sql(),
                       [connection.ops.adapt_datetimefield_value(now), checksum])
        return cursor.fetchone()


@cache
def _koha_key_token_sql() -> str:
    token, client = KohaKeyToken._meta.db_table, ApiClient._meta.db_table
    key, patron = ApiKey._meta.db_table, Patron._meta.db_table
    return (
        f"SELECT CASE WHEN t.expires > %s THEN 1 ELSE 0 END, t.id, c.id, c.name, c.active,"
        f" c.koha_client_id, p.borrowernumber, p.userid, p.flags, p.branchcode"
        f" FROM {token} t JOIN {client} c ON c.id = t.client_id"
        f" LEFT JOIN {key} k ON k.client_id = c.koha_client_id AND k.active = 1"
        f" LEFT JOIN {patron} p ON p.borrowernumber = k.patron_id"
        f" WHERE t.token_checksum = %s"
    )


def counted_koha_key_token_row(checksum: str, now, window_start) -> tuple | None:
    """``counted_token_row`` for a Koha API key's token: for a token that passes every check of
    ``koha_key_token_row`` (unexpired, its client active, the key in Koha's ``api_keys`` and
    active, its owner a patron), count the request in its client's ``api`` window and return
    (hits, token id, client id, name, koha client_id, owner borrowernumber, userid, flags, home
    library) in ONE statement; None — nothing counted — for any other token. The same reason
    and measure as ``counted_token_row``'s; the owner's permissions are one more query, as
    before."""
    return _counted_row(_counted_koha_key_token_sql(), KEY_CLIENT_COLUMNS, checksum, now,
                        window_start)


KEY_CLIENT_COLUMNS = ("t.id", "c.id", "c.name", "c.koha_client_id", "p.borrowernumber",
                      "p.userid", "p.flags", "p.branchcode")


@cache
def _counted_koha_key_token_sql() -> str:
    token, client = KohaKeyToken._meta.db_table, ApiClient._meta.db_table
    key, patron = ApiKey._meta.db_table, Patron._meta.db_table
    joined = (f"FROM {token} t JOIN {client} c ON c.id = t.client_id"
              f" JOIN {key} k ON k.client_id = c.koha_client_id AND k.active = 1"
              f" JOIN {patron} p ON p.borrowernumber = k.patron_id"
              f" WHERE t.token_checksum = %s")
    return _counting_sql(joined, KEY_CLIENT_COLUMNS)


# --- the intake transaction ---------------------------------------------------------------------


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


BALANCE_SQL = ("COALESCE((SELECT SUM(`a`.`amountoutstanding`) FROM `accountlines` `a`"
               " WHERE `a`.`borrowernumber` = %s), 0)")


def insert_returning_balance(obj, *, patron_id: int) -> Decimal:
    """INSERT one new instance and read Koha's balance of the patron (SUM of
    ``amountoutstanding``, 0 without lines) in the same statement, by a ``RETURNING`` subquery:
    the intake's last statement proves the balance unchanged without a statement of its own
    (MariaDB ≥ 10.5 and SQLite ≥ 3.35 take it; without RETURNING, two statements)."""
    model = type(obj)
    _check_defaults(model, [obj])
    params = [_value(field, plain, obj) for field, plain in _write_columns(model)]
    with connection.cursor() as cursor:
        if connection.features.can_return_rows_from_bulk_insert:
            cursor.execute(_insert_sql(model, 1, None) + " RETURNING " + BALANCE_SQL,
                           [*params, patron_id])
            balance = cursor.fetchone()[0]
        else:  # pragma: no cover - a database without RETURNING (an old SQLite)
            cursor.execute(_insert_sql(model, 1, None), params)
            cursor.execute("SELECT " + BALANCE_SQL, [patron_id])
            balance = cursor.fetchone()[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return money(balance)


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
    """The columns written: all but an auto primary key and the columns only the database
    fills (a ``db_default`` without a Python ``default``, e.g. Koha's timestamps)."""
    return tuple(f for f in model._meta.concrete_fields
                 if not (f.primary_key and f.get_internal_type().endswith("AutoField"))
                 and not _database_fills(f))


def _database_fills(field) -> bool:
    return field.has_db_default() and not field.has_default()


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
        if _database_fills(field) and any(
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


SIX_PLACES = Decimal("0.000001")  # accountlines money is decimal(28,6)
# Correlated on purpose: evaluated for the locked row, i.e. after the lock is granted, so it sees
# what a concurrent intake for the same patron committed while we waited (READ COMMITTED).
_PATRON_ROW, _REGISTER_ROW = 1, 2  # which lock a row of LOCK_SQL answers
LOCK_SQL = (
    f"SELECT {_PATRON_ROW}, COALESCE((SELECT SUM(`a`.`amountoutstanding`) FROM `accountlines` `a`"
    " WHERE `a`.`borrowernumber` = `borrowers`.`borrowernumber`), 0)"
    " FROM `borrowers` WHERE `borrowers`.`borrowernumber` = %s"
)
LOCK_WITH_REGISTER_SQL = (
    f"({LOCK_SQL} FOR UPDATE) UNION ALL "
    f"(SELECT {_REGISTER_ROW}, NULL FROM `cash_registers` WHERE `id` = %s LOCK IN SHARE MODE)"
)


def lock_patron(patron_id: int, register_id: int | None = None) -> Decimal | None:
    """Lock the patron's ``borrowers`` row (FOR UPDATE) and return Koha's balance
    (SUM of ``amountoutstanding``, 0 without lines); None if there is no such patron.

    With a register, the same statement also holds its ``cash_registers`` row in share mode
    (``share_register``): MariaDB takes each ``UNION`` branch's own lock, patron first, so the
    lock order is the one ``hold_register`` documents, for one round trip less (issue 18:
    docs/performance.md, "The two locks in one statement")."""
    if not connection.features.has_select_for_update:  # the SQLite demo has no row locks
        sql, params = LOCK_SQL, [patron_id]
    elif register_id is None:
        sql, params = LOCK_SQL + " FOR UPDATE", [patron_id]
    else:
        sql, params = LOCK_WITH_REGISTER_SQL, [patron_id, register_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    balances = [row[-1] for row in rows if row[0] == _PATRON_ROW]
    return money(balances[0]) if balances else None


def written_lines(patron_id: int, *line_ids: int
                  ) -> tuple[dict[int, AccountLine], Decimal | None]:
    """The lines as stored (by id) and the patron's balance now (None without them): a
    charge's two lines, or a payment's credit and the debits it paid."""
    with connection.cursor() as cursor:
        cursor.execute(_lines_sql(len(line_ids)), [patron_id, *line_ids])
        rows = cursor.fetchall()
    lines = {line.pk: line for line in (stored_row(AccountLine, row[:-1]) for row in rows)}
    return lines, money(rows[0][-1]) if rows else None


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
def _lines_sql(count: int) -> str:
    return (
        f"SELECT {_columns(AccountLine)}, COALESCE((SELECT SUM(`a`.`amountoutstanding`)"
        " FROM `accountlines` `a` WHERE `a`.`borrowernumber` = %s), 0) AS `patron_balance`"
        " FROM `accountlines` WHERE `accountlines`.`accountlines_id`"
        f" IN ({', '.join(['%s'] * count)})"
    )


REGISTER_SHARE_SQL = "SELECT `id` FROM `cash_registers` WHERE `id` = %s"


def share_register(register_id: int) -> None:
    """Hold the register's ``cash_registers`` row in share mode until the intake commits, so a
    cashup (which takes it FOR UPDATE, ``payments.services.cashups``) never reads a session while
    a payment dated inside it is still uncommitted. Not a measured exception like ``REFERENCES``:
    the ORM cannot ask for a shared lock (``select_for_update`` is exclusive, and would make the
    intakes of one register wait for each other)."""
    if not connection.features.has_select_for_update:  # the SQLite demo has no row locks
        return
    with connection.cursor() as cursor:
        cursor.execute(REGISTER_SHARE_SQL + " LOCK IN SHARE MODE", [register_id])


# --- a payment of existing debits: its two reads of the patron's lines ---------------------------

LOCKED_LINES_SQL = (  # qualified as the ORM wrote it (the tests find it in the process list)
    "SELECT `accountlines`.`accountlines_id`, `accountlines`.`credit_type_code`,"
    " `accountlines`.`amount`, `accountlines`.`amountoutstanding`,"
    " `accountlines`.`debit_type_code`, `accountlines`.`status`, `accountlines`.`itemnumber`"
    " FROM `accountlines` WHERE `accountlines`.`borrowernumber` = %s"
    " AND `accountlines`.`amountoutstanding` > 0 ORDER BY 1 ASC"
)


def locked_lines(patron_id: int) -> list[tuple]:
    """Every line of the patron with something outstanding, by id, locked FOR UPDATE: (id,
    credit type, amount, outstanding, debit type, status, item) — ``services.pay._read_locked``.

    Why SQL, with ``named_line_rows``: the two were ORM ``values_list`` querysets compiled on
    every payment. Measured in-process (a payment of one existing debit named in
    ``account_lines_ids``, the test client, production settings, ``kp_bench_intake``; 8
    alternating runs of 150 payments, both orders, medians, 2026-12-06): Python CPU per payment
    6.47 → 4.87 ms (−25 %; −21 % as the median of the paired runs), wall 10.58 → 8.81 ms
    (−17 %): docs/performance.md, "Issue 18: the sale and the payment of existing debits"."""
    sql = LOCKED_LINES_SQL + (" FOR UPDATE" if connection.features.has_select_for_update else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, [patron_id])
        return [(pk, credit_type, money(amount), money(outstanding), debit_type, status, item)
                for pk, credit_type, amount, outstanding, debit_type, status, item
                in cursor.fetchall()]


def named_line_rows(line_ids: list[int]) -> list[tuple]:
    """The named lines that exist: (id, patron, credit type, outstanding) —
    ``selectors.named_lines``, for the rules of a payment of existing debits. Why SQL: with
    ``locked_lines`` (its docstring gives the measure)."""
    with connection.cursor() as cursor:
        cursor.execute(_named_lines_sql(len(line_ids)), list(line_ids))
        return [(pk, patron, credit_type, money(outstanding))
                for pk, patron, credit_type, outstanding in cursor.fetchall()]


@cache
def _named_lines_sql(count: int) -> str:
    return ("SELECT `accountlines_id`, `borrowernumber`, `credit_type_code`, `amountoutstanding`"
            " FROM `accountlines` WHERE `accountlines_id` IN ("
            + ", ".join(["%s"] * count) + ")")
