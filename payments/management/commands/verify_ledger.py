"""``manage.py verify_ledger [--since DATE] [--json]``: audit every intake kohapay recorded and
Koha's register lines (see ``payments.services.ledger_check``). Read-only — an auditor can run it
with a database user that may only SELECT. Exits 1 when it finds an anomaly, 0 otherwise (notices,
such as a payment Koha voided later, are reported but do not fail)."""
import json
from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from payments.services.ledger_check import LedgerReport, verify_ledger


def local_midnight(text: str) -> datetime:
    """``YYYY-MM-DD`` → the start of that day in Koha's time zone (TIME_ZONE)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--since wants a date as YYYY-MM-DD, not {text!r}.") from None
    return timezone.make_aware(datetime.combine(day, time.min))


class Command(BaseCommand):
    help = "Check kohapay's intakes and Koha's register lines; exit 1 on any anomaly. Read-only."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="Only intakes recorded and lines dated from this "
                                            "local day (YYYY-MM-DD) on.")
        parser.add_argument("--examples", type=int, default=10,
                            help="Ids listed per finding (default 10).")
        parser.add_argument("--json", action="store_true", dest="as_json",
                            help="Print the report as JSON.")

    def handle(self, *args, since=None, examples=10, as_json=False, **options):
        report = verify_ledger(since=local_midnight(since) if since else None,
                               examples=max(examples, 0))
        self.stdout.write(json_text(report) if as_json else plain_text(report))
        if report.anomalies:
            raise CommandError(f"{sum(f.count for f in report.anomalies)} anomal"
                               f"{'y' if len(report.anomalies) == 1 else 'ies'} found.")


def plain_text(report: LedgerReport) -> str:
    scope = f" since {timezone.localtime(report.since):%Y-%m-%d}" if report.since else ""
    counted = f"{report.intakes} intake(s) and {report.register_lines} register line(s)"
    if report.refund_lines:
        counted = (f"{report.intakes} intake(s), {report.register_lines} register line(s) and "
                   f"{report.refund_lines} refund line(s)")
    lines = [f"verify_ledger{scope}: {counted} checked. {report.cashup_counts} cashup count(s) "
             "checked."]
    for finding in report.findings:
        ids = ", ".join(str(i) for i in finding.examples)
        more = " …" if finding.count > len(finding.examples) else ""
        kind = ("intakes" if finding.code.startswith("intake_") else "cashup counts"
                if finding.code.startswith("cashup_") else "refund lines"
                if finding.code.startswith("refund_line_") else "accountlines")
        lines.append(f"{finding.severity.upper()} {finding.code}: {finding.count} — "
                     f"{finding.description} ({kind} {ids}{more})")
    if not report.anomalies:
        lines.append("OK: no anomaly.")
    return "\n".join(lines)


def json_text(report: LedgerReport) -> str:
    return json.dumps({
        "since": report.since.isoformat() if report.since else None,
        "intakes": report.intakes, "register_lines": report.register_lines,
        "cashup_counts": report.cashup_counts, "refund_lines": report.refund_lines,
        "anomalies": sum(f.count for f in report.anomalies),
        "findings": [vars(f) for f in report.findings],
    }, indent=1)
