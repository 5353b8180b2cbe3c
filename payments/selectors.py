"""Reads of the payment path: Koha's configuration (preferences, types, registers, libraries),
an API client's scope, and kohapay's intake records. No writes here (see ``payments.services``)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from django.db import connection

from payments.models import ApiClient, Intake
from payments.services.intake_writes import stored_row

# Koha's defaults when a preference row is missing (installer/data/mysql/mandatory/sysprefs.sql).
PREFERENCE_DEFAULTS = {"UseCashRegisters": "0", "FinesLog": "1", "AutoCreditNumber": ""}


@dataclass(frozen=True)
class IntakePreferences:
    """The system preferences Koha reads on the add_debit + pay path (spec §2.7)."""

    use_cash_registers: bool
    fines_log: bool
    auto_credit_number: str


@dataclass(frozen=True)
class ClientScope:
    """Where a client may act. Empty ``registers`` / ``debit_types`` mean "no restriction"."""

    libraries: frozenset[str]
    registers: frozenset[int]
    debit_types: frozenset[str]


@dataclass(frozen=True)
class RegisterFacts:
    library_id: str
    archived: bool


@dataclass(frozen=True)
class DebitTypeFacts:
    code: str  # as Koha spells it (the row matched case-insensitively)
    archived: bool
    can_be_invoiced: bool
    can_be_sold: bool


@dataclass(frozen=True)
class IntakeReferences:
    """Everything the intake rules read from Koha's configuration and the client's scope.

    Codes are as Koha spells them: Koha's columns compare case-insensitively ('print' finds
    'PRINT'), so the rules compare them with the request byte for byte. ``None`` = no such row.
    Library limits are empty when the type is available everywhere."""

    patron_exists: bool
    preferences: IntakePreferences
    scope: ClientScope
    library: str | None
    register: RegisterFacts | None
    debit_type: DebitTypeFacts | None
    debit_type_libraries: frozenset[str]
    payment_type: str | None
    payment_type_libraries: frozenset[str]
    credit_numbers_enabled: bool  # account_credit_types PAYMENT.credit_number_enabled


# One statement instead of eleven (one round trip, nothing to compile): each branch reads what one
# rule needs, as rows (kind, code, value, n1, n2, n3). Plain SQL that MariaDB and the SQLite demo
# both run. Text comes only from Koha's own columns (one collation), so the UNION never mixes
# collations; kohapay's scope tables are joined to Koha's rows as the ORM's m2m reads did (a
# deleted library, register or type is out of scope).
REFERENCES_SQL = """
SELECT 'patron', NULL, NULL, borrowernumber, NULL, NULL
  FROM borrowers WHERE borrowernumber = %(patron)s
UNION ALL SELECT 'pref', variable, value, NULL, NULL, NULL
  FROM systempreferences WHERE variable IN ('UseCashRegisters', 'FinesLog', 'AutoCreditNumber')
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


def intake_references(*, client_id: int, patron_id: int, library_id: str | None,
                      register_id: int | None, debit_type: str,
                      payment_type: str) -> IntakeReferences:
    """The facts behind every rule of an intake, read in one statement (see ``rules``)."""
    params = {"patron": patron_id, "client": client_id, "library": library_id,
              "register": register_id, "debit_type": debit_type, "payment_type": payment_type}
    with connection.cursor() as cursor:
        cursor.execute(REFERENCES_SQL, params)
        rows = defaultdict(list)
        for kind, *columns in cursor.fetchall():
            rows[kind].append(columns)
    return _references(rows)


def _references(rows: dict[str, list]) -> IntakeReferences:
    codes = {kind: frozenset(row[0] for row in found) for kind, found in rows.items()}
    register = next(iter(rows["register"]), None)
    debit_type = next(iter(rows["debit_type"]), None)
    return IntakeReferences(
        patron_exists=bool(rows["patron"]),
        preferences=_preferences({row[0]: row[1] for row in rows["pref"]}),
        scope=ClientScope(
            libraries=codes.get("client_library", frozenset()),
            registers=frozenset(int(row[2]) for row in rows["client_register"]),
            debit_types=codes.get("client_debit_type", frozenset()),
        ),
        library=next(iter(codes.get("library", ())), None),
        register=register and RegisterFacts(library_id=register[0],
                                            archived=bool(int(register[2]))),
        debit_type=debit_type and DebitTypeFacts(
            code=debit_type[0], archived=bool(int(debit_type[2])),
            can_be_invoiced=bool(int(debit_type[3])), can_be_sold=bool(int(debit_type[4]))),
        debit_type_libraries=codes.get("debit_type_library", frozenset()),
        payment_type=next(iter(codes.get("payment_type", ())), None),
        payment_type_libraries=codes.get("payment_type_library", frozenset()),
        credit_numbers_enabled=any(int(row[2]) for row in rows["credit_numbers"]),
    )


def _preferences(stored: dict[str, str | None]) -> IntakePreferences:
    values = {**PREFERENCE_DEFAULTS, **stored}
    return IntakePreferences(
        use_cash_registers=(values["UseCashRegisters"] or "0").strip() == "1",
        fines_log=(values["FinesLog"] or "0").strip() == "1",
        auto_credit_number=(values["AutoCreditNumber"] or "").strip(),
    )


# --- kohapay's intake records ------------------------------------------------------------------
# Each branch is a lookup on one of the two unique indexes, so the plan never depends on the
# optimizer merging them; a NULL parameter matches nothing. Fixed SQL: see ``_lookup_sql``.
@cache
def _lookup_sql() -> str:
    columns = ", ".join(field.column for field in Intake._meta.concrete_fields)
    table = Intake._meta.db_table
    return (f"SELECT {columns} FROM {table} WHERE client_id = %s AND idempotency_key = %s"
            f" UNION ALL SELECT {columns} FROM {table} WHERE client_id = %s AND external_id = %s")


def intakes_by_key_or_external_id(client: ApiClient, key: str | None,
                                  external_id: str | None) -> list[Intake]:
    """The client's intakes with this idempotency key or this external id (at most one each:
    unique indexes), in one query; none asked when neither is given."""
    if key is None and external_id is None:
        return []
    with connection.cursor() as cursor:  # not ``.raw()``: its set-up cost more than the query
        cursor.execute(_lookup_sql(), [client.pk, key, client.pk, external_id])
        return [stored_row(Intake, row) for row in cursor.fetchall()]


def client_intake(client: ApiClient, *, patron_id: int, payment_id: int) -> Intake | None:
    """The client's own intake of this payment: a client never sees another client's."""
    return Intake.objects.filter(client=client, patron_id=patron_id, payment_id=payment_id).first()


def client_intakes(client: ApiClient, *, patron_id: int, external_id: str | None = None,
                   limit: int = 100) -> list[Intake]:
    """The client's intakes for a patron, newest first; with ``external_id``, at most one."""
    intakes = Intake.objects.filter(client=client, patron_id=patron_id)
    if external_id is not None:
        intakes = intakes.filter(external_id=external_id)
    return list(intakes.order_by("-created_at", "-id")[:limit])
