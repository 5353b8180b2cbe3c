"""``verify_ledger``: a read-only audit of what kohapay recorded, and of Koha's register lines.

Two set-based passes, whatever the size of the ledger — each one scan that counts every check at
once (``SUM(CASE WHEN <check> …)``), then, only for a check that found something, one query for
its first examples:

1. **Intakes** (``kohapay_intake`` joined to its two ``accountlines`` by primary key): the debit
   and the PAYMENT credit exist, belong to the patron, carry the amounts of the stored response,
   the APPLY offset links them for the full amount, both are outstanding 0, the register is on the
   credit only and agrees with the response, both lines and the register are of one library, and
   the stored response names these very rows.
2. **Register lines** (``accountlines`` with a ``register_id``): a charge carrying a register
   (only PAYOUT and CASHUP_DEFICIT debits are money leaving a till), a credit at a register of
   another library, a ``date`` later than its own ``timestamp`` (Koha's register history filters
   on ``timestamp``, so such a line would hide from a date range).

Koha may legitimately change a payment later — void it (credit status VOID), refund or cancel the
charge (debit status REFUNDED, CANCELLED …), anonymise the patron. Those intakes are *notices*,
not anomalies, and the outstanding check skips them (a voided payment's debit is owed again).
Only anomalies make the command fail.

Nothing here writes: on MariaDB the checks run in one ``READ ONLY`` transaction at REPEATABLE
READ, so all counts come from one consistent snapshot even while intakes keep arriving.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction

EXAMPLES = 10


class Sql:
    """The database's spelling of what the checks need: JSON access, NULL-safe equality and
    exact decimals (MariaDB/MySQL, and SQLite for the demo)."""

    def __init__(self, vendor: str):
        self.mysql = vendor == "mysql"

    def json(self, path: str) -> str:
        """A value of the stored response; JSON_VALUE gives NULL for JSON null."""
        function = "JSON_VALUE" if self.mysql else "json_extract"
        return f"{function}(i.response_body, '{path}')"

    def eq(self, left: str, right: str) -> str:
        return f"({left} {'<=>' if self.mysql else 'IS'} {right})"

    def dec(self, value: str) -> str:
        return f"CAST({value} AS {'DECIMAL(28,6)' if self.mysql else 'NUMERIC'})"

    def amount(self) -> str:
        """A: the amount of the stored 201."""
        return self.dec(self.json("$.debit.amount"))


@dataclass(frozen=True)
class Check:
    code: str
    severity: str  # "anomaly" fails the command; "notice" is only reported
    description: str
    predicate: Callable[[Sql], str]  # SQL over the pass's aliases, true for a finding


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    description: str
    count: int
    examples: list[int]


@dataclass
class LedgerReport:
    since: datetime | None
    intakes: int = 0
    register_lines: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def anomalies(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "anomaly"]

    @property
    def notices(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "notice"]


# --- pass 1: kohapay's intakes -----------------------------------------------------------------
UNCHANGED = "d.status IS NULL AND c.status IS NULL"
INTAKE_FROM = """
    FROM kohapay_intake i
    LEFT JOIN accountlines d ON d.accountlines_id = i.debit_id
    LEFT JOIN accountlines c ON c.accountlines_id = i.payment_id
    WHERE {since}"""
INTAKE_CHECKS = [
    Check("intake_line_missing", "anomaly", "the intake's debit or credit line does not exist",
          lambda q: "d.accountlines_id IS NULL OR c.accountlines_id IS NULL"),
    Check("intake_wrong_lines", "anomaly",
          "the lines are not a debit and a PAYMENT credit of the intake's patron",
          lambda q: "d.debit_type_code IS NULL OR d.credit_type_code IS NOT NULL"
                    " OR c.credit_type_code IS NULL OR c.credit_type_code <> 'PAYMENT'"
                    " OR d.borrowernumber <> i.patron_id OR c.borrowernumber <> i.patron_id"),
    Check("intake_amount_mismatch", "anomaly",
          "the debit is not +A or the credit not -A (A: the amount of the stored response)",
          lambda q: f"NOT ({q.amount()} > 0) OR d.amount <> {q.amount()}"
                    f" OR c.amount <> -{q.amount()}"
                    f" OR {q.dec(q.json('$.credit.amount'))} <> -{q.amount()}"),
    Check("intake_apply_missing", "anomaly",
          "no APPLY offset moves the full amount from the credit to the debit",
          lambda q: "NOT EXISTS (SELECT 1 FROM account_offsets o WHERE o.credit_id = i.payment_id"
                    f" AND o.debit_id = i.debit_id AND o.type = 'APPLY'"
                    f" AND o.amount = -{q.amount()})"),
    Check("intake_outstanding", "anomaly",
          "the debit or the credit is still outstanding (and Koha has changed neither since)",
          lambda q: f"{UNCHANGED} AND (d.amountoutstanding <> 0 OR c.amountoutstanding <> 0)"),
    Check("intake_place_mismatch", "anomaly",
          "the debit carries a register, or the credit's register or library is not the "
          "response's, or debit, credit and register are not of one library",
          lambda q: "d.register_id IS NOT NULL"
                    f" OR NOT {q.eq('c.register_id', q.json('$.credit.cash_register_id'))}"
                    f" OR NOT {q.eq('c.branchcode', q.json('$.credit.library_id'))}"
                    f" OR NOT {q.eq('d.branchcode', 'c.branchcode')}"
                    " OR EXISTS (SELECT 1 FROM cash_registers r WHERE r.id = c.register_id"
                    " AND r.branch <> c.branchcode)"),
    Check("intake_response_mismatch", "anomaly",
          "the stored response names other rows than the intake record",
          lambda q: f"NOT {q.eq(q.json('$.payment_id'), 'i.payment_id')}"
                    f" OR NOT {q.eq(q.json('$.credit.account_line_id'), 'i.payment_id')}"
                    f" OR NOT {q.eq(q.json('$.debit.account_line_id'), 'i.debit_id')}"
                    f" OR NOT {q.eq(q.json('$.patron_id'), 'i.patron_id')}"),
    Check("intake_changed_by_koha", "notice",
          "Koha changed the payment or the charge later (e.g. a VOID payment, a REFUNDED charge)",
          lambda q: f"NOT ({UNCHANGED})"),
    Check("intake_patron_removed", "notice",
          "Koha removed or anonymised the patron (the lines' borrowernumber is NULL)",
          lambda q: "d.borrowernumber IS NULL OR c.borrowernumber IS NULL"),
]

# --- pass 2: Koha's register lines -------------------------------------------------------------
LINE_FROM = """
    FROM accountlines l
    LEFT JOIN cash_registers r ON r.id = l.register_id
    WHERE l.register_id IS NOT NULL AND {since}"""
LINE_CHECKS = [
    Check("register_charge", "anomaly",
          "a charge carries a register (only PAYOUT and CASHUP_DEFICIT debits may): the till "
          "would net the payment to zero",
          lambda q: "l.debit_type_code IS NOT NULL"
                    " AND l.debit_type_code NOT IN ('PAYOUT', 'CASHUP_DEFICIT')"),
    Check("register_other_library", "anomaly",
          "a credit at a register of another library than the credit's own",
          lambda q: "l.credit_type_code IS NOT NULL AND l.branchcode IS NOT NULL"
                    " AND r.branch IS NOT NULL AND l.branchcode <> r.branch"),
    Check("register_date_after_timestamp", "anomaly",
          "a register line dated later than its own timestamp (hidden from Koha's register "
          "history, which filters on timestamp)",
          lambda q: "l.date > l.timestamp"),
]


def verify_ledger(*, since: datetime | None = None, examples: int = EXAMPLES) -> LedgerReport:
    """Run every check; ``since`` limits them to intakes recorded and lines dated from then."""
    report = LedgerReport(since=since)
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "mysql":
            # Before the transaction's first read: it then writes nothing and sees one snapshot.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        report.intakes, findings = _run_pass(INTAKE_FROM, INTAKE_CHECKS, "i.id", "i.created_at",
                                             since, examples)
        report.findings += findings
        report.register_lines, findings = _run_pass(LINE_FROM, LINE_CHECKS, "l.accountlines_id",
                                                    "l.date", since, examples)
        report.findings += findings
    return report


def _run_pass(source: str, checks: list[Check], key: str, date_column: str,
              since: datetime | None, examples: int) -> tuple[int, list[Finding]]:
    condition, params = _since(date_column, since)
    source = source.format(since=condition)
    sql = Sql(connection.vendor)
    predicates = [check.predicate(sql) for check in checks]
    sums = ", ".join(f"SUM(CASE WHEN {p} THEN 1 ELSE 0 END)" for p in predicates)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), {sums} {source}", params)
        total, *counts = cursor.fetchone()
        findings = []
        for check, predicate, count in zip(checks, predicates, counts):
            if not count:
                continue
            cursor.execute(f"SELECT {key} {source} AND ({predicate}) ORDER BY {key} LIMIT %s",
                           [*params, examples])
            findings.append(Finding(check.code, check.severity, check.description, int(count),
                                    [row[0] for row in cursor.fetchall()]))
    return int(total or 0), findings


def _since(column: str, since: datetime | None) -> tuple[str, list]:
    if since is None:
        return "1 = 1", []
    return f"{column} >= %s", [connection.ops.adapt_datetimefield_value(since)]
