"""The payments app's hand-written SQL, and nothing else of it anywhere (the rule: plain SQL only
where it beats the ORM by more than 20 % on a figure ``make bench`` reports; see
docs/performance.md, "Issue 13"), plus the one statement the ORM cannot express.

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
"""
from django.db import connection

REFERENCES = """
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


def reference_rows(*, client_id: int, patron_id: int, library_id: str | None,
                   register_id: int | None, debit_type: str, payment_type: str) -> list[tuple]:
    """``REFERENCES`` for one intake: rows (kind, code, value, n1, n2, n3)."""
    params = {"patron": patron_id, "client": client_id, "library": library_id,
              "register": register_id, "debit_type": debit_type, "payment_type": payment_type}
    with connection.cursor() as cursor:
        cursor.execute(REFERENCES, params)
        return cursor.fetchall()


def read_only_snapshot() -> None:
    """``verify_ledger``'s transaction as one consistent, read-only snapshot: REPEATABLE READ
    (kohapay's sessions run READ COMMITTED) and READ ONLY, set before its first read. Not a
    measured exception like ``REFERENCES``: the ORM has no way to say it (Django sets isolation
    only per connection, and READ ONLY not at all)."""
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
