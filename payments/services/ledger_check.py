"""``verify_ledger``: a read-only audit of what kohapay recorded, and of Koha's register lines.

Two set-based passes, whatever the size of the ledger — each one scan that counts every check at
once (conditional ``Count``s, i.e. ``SUM(CASE WHEN <check> …)``; the checks are in
``audit_checks``), then, only for a check that found something, one query for its first examples:

1. **Intakes** (``kohapay_intake`` joined to its two ``accountlines`` by primary key): the debit
   and the PAYMENT credit exist, belong to the patron, carry the amounts of the stored response,
   the APPLY offset links them for the full amount, both are outstanding 0, the register is on the
   credit only and agrees with the response, both lines and the register are of one library, and
   the stored response names these very rows. A payment of existing debits (kind ``pay``,
   ``audit_pay_checks``): its PAYMENT credit of the patron is −A and at 0, with one CREATE
   offset of +A and APPLY offsets summing to −A, one per debit its response lists, each to a
   debit of the patron that owed something.
   A sale (kind ``sale``, ``audit_till_checks``): its PURCHASE credit without patron is −total
   and at 0 on the response's register, with its CREATE offset and one APPLY per item summing to
   −total, each item an anonymous debit of the sale's library without register, paid off. A
   refund (kind ``refund``): its lines exist and sum to its amount, it refunds a payment or sale
   of its client; and no payment or sale is refunded above what it paid.
2. **Register lines** (``accountlines`` with a ``register_id``): a charge carrying a register
   (only PAYOUT and CASHUP_DEFICIT debits are money leaving a till), a credit at a register of
   another library, a ``date`` later than its own ``timestamp`` (Koha's register history filters
   on ``timestamp``, so such a line would hide from a date range).
3. **Cashup counts** (``kohapay_cashup_count``): each difference is counted − expected and, on
   a Koha with reconciliation, equals its surplus/deficit line (``audit_cashup_checks``).
4. **Refund lines** (``kohapay_refund_line``: the Koha lines of each debit a refund gave money
   back for): a REFUND credit of −a, PAID, at 0, without register; a PAYOUT of +a at 0 carrying
   the refund's register and payout type; reduce's and payout's four offsets; one patron (or
   none) on the three lines; the debit REFUNDED (a notice when Koha changed it later).

Koha may legitimately change a payment later — void it (credit status VOID), refund or cancel the
charge (debit status REFUNDED, CANCELLED …), anonymise the patron. Those intakes are *notices*,
not anomalies, and the outstanding check skips them (a voided payment's debit is owed again).
Only anomalies make the command fail.

Nothing here writes: on MariaDB the checks run in one ``READ ONLY`` transaction at REPEATABLE
READ (``sql.read_only_snapshot``), so all counts come from one consistent snapshot even while
intakes keep arriving.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count

from koha.models import AccountLine
from payments import sql
from payments.models import CashupCount, Intake, RefundLine
from payments.services.audit_cashup_checks import CASHUP_CHECKS
from payments.services.audit_checks import INTAKE_CHECKS, LINE_CHECKS, REFUND_LINE_CHECKS, Check

EXAMPLES = 10


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
    cashup_counts: int = 0
    refund_lines: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def anomalies(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "anomaly"]

    @property
    def notices(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "notice"]


def verify_ledger(*, since: datetime | None = None, examples: int = EXAMPLES) -> LedgerReport:
    """Run every check; ``since`` limits them to intakes recorded and lines dated from then."""
    report = LedgerReport(since=since)
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "mysql":
            sql.read_only_snapshot()  # before the transaction's first read
        intakes = Intake.objects.all()
        lines = AccountLine.objects.filter(register_id__isnull=False)
        refund_lines = RefundLine.objects.all()
        if since is not None:
            intakes, lines = intakes.filter(created_at__gte=since), lines.filter(date__gte=since)
            refund_lines = refund_lines.filter(refund__created_at__gte=since)
        report.intakes, findings = _run_pass(intakes, INTAKE_CHECKS, examples)
        report.findings += findings
        report.register_lines, findings = _run_pass(lines, LINE_CHECKS, examples)
        report.findings += findings
        counts = CashupCount.objects.all()
        if since is not None:
            counts = counts.filter(cashup__created_at__gte=since)
        report.cashup_counts, findings = _run_pass(counts, CASHUP_CHECKS, examples)
        report.findings += findings
        report.refund_lines, findings = _run_pass(refund_lines, REFUND_LINE_CHECKS, examples)
        report.findings += findings
    return report


def _run_pass(rows, checks: list[Check], examples: int) -> tuple[int, list[Finding]]:
    """One scan counting every check at once, then the first examples of each that found any."""
    predicates = [check.predicate() for check in checks]
    counts = rows.aggregate(total=Count("pk"), **{
        check.code: Count("pk", filter=predicate) for check, predicate in zip(checks, predicates)})
    findings = []
    for check, predicate in zip(checks, predicates):
        if counts[check.code]:
            found = rows.filter(predicate).order_by("pk").values_list("pk", flat=True)[:examples]
            findings.append(Finding(check.code, check.severity, check.description,
                                    counts[check.code], list(found)))
    return counts["total"], findings
