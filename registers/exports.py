"""CSV exports (``?format=csv``) of the dashboard tables; columns are documented in the README.

Amounts are plain, exact decimals (``1234.50``, ``-3.00``); times are local ISO 8601 with their
offset. Text cells a spreadsheet would run as a formula (``=…``, ``+…``, ``-…``, ``@…``) are
prefixed with an apostrophe: descriptions come from staff and patrons.
"""
import csv
from collections.abc import Iterable
from datetime import datetime

from django.http import HttpResponse
from django.utils.text import slugify

from koha.models import CashRegister
from registers.formatting import plain_text
from registers.selectors import DayRange, local_time
from registers.tables import DayTable, OverviewTable, RegisterTable

FIGURES = ["income", "payouts", "net", "count"]
HIDDEN_PATRON = "(hidden)"


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return response


def range_label(days: DayRange) -> str:
    if days.first == days.last:
        return days.first.isoformat()
    return f"{days.first.isoformat()}_{days.last.isoformat()}"


def register_label(register: CashRegister) -> str:
    return f"register-{register.id}-{slugify(register.name) or 'unnamed'}"


def safe_text(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _time(value: datetime | None) -> str:
    return local_time(value).isoformat() if value else ""


def _figures(row) -> list[str]:
    t = row.totals
    return [plain_text(t.income), plain_text(t.payouts), plain_text(t.net), str(t.count)] + [
        plain_text(amount) for amount in row.by_type
    ]


def overview_csv(table: OverviewTable, library: str | None = None) -> HttpResponse:
    header = [
        "library_code", "library_name", "register_id", "register_name", "archived", "from", "to",
        *FIGURES, *(c.csv_name for c in table.columns), "since_last_cashup", "last_cashup",
    ]
    period = [table.days.first.isoformat(), table.days.last.isoformat()]
    rows = [
        [
            safe_text(group.library.branchcode), safe_text(group.library.branchname), row.register.id,
            safe_text(row.register.name), int(row.register.archived), *period,
            *_figures(row.period), plain_text(row.since_cashup.net), _time(row.last_cashup),
        ]
        for group in table.groups
        for row in group.rows
    ]
    scope = f"registers-{slugify(library)}" if library else "registers"
    return csv_response(f"{scope}_{range_label(table.days)}.csv", header, rows)


def register_csv(register: CashRegister, table: RegisterTable) -> HttpResponse:
    header = [
        "register_id", "register_name", "library_code", "date", *FIGURES,
        *(c.csv_name for c in table.columns),
    ]
    rows = [
        [register.id, safe_text(register.name), safe_text(register.library_id),
         row.day.day.isoformat(), *_figures(row.figures)]
        for row in table.rows
    ]
    filename = f"{register_label(register)}_{range_label(table.days)}.csv"
    return csv_response(filename, header, rows)


DAY_HEADER = [
    "line_id", "time", "kind", "type_code", "type_description", "description", "paid_lines",
    "amount", "payment_type", "patron_cardnumber", "patron_name", "recorded_by_cardnumber",
    "recorded_by_name", "kohapay_client", "external_id", "refunded_lines",
]


def day_csv(register: CashRegister, days: DayRange, table: DayTable) -> HttpResponse:
    rows = [_day_row(line) for line in table.lines]
    filename = f"{register_label(register)}_{range_label(days)}.csv"
    return csv_response(filename, DAY_HEADER, rows)


def _links(links) -> str:
    return "; ".join(
        f"{link.line_id} {link.type_code or ''} {plain_text(link.amount)}".replace("  ", " ")
        for link in links
    )


def _day_row(line) -> list:
    """``kind``: ``sale``, ``refund``, ``credit`` or ``debit`` (``DayLine.kind``)."""
    return [
        line.line_id, line.time.isoformat(), line.kind,
        safe_text(line.type_code), safe_text(line.type_description), safe_text(line.description),
        _links(line.linked),
        plain_text(line.amount), safe_text(line.payment_type),
        *_patron_cells(line.patron),
        safe_text(line.manager.cardnumber if line.manager else ""), safe_text(line.manager.name if line.manager else ""),
        safe_text(line.client_name), safe_text(line.external_id), _links(line.refunded),
    ]


def _patron_cells(patron) -> list[str]:
    """Card number and name; empty for a line without a patron (an anonymous sale), the name
    ``(hidden)`` for a patron the user may not see."""
    if patron is None:
        return ["", ""]
    if patron.hidden:
        return ["", HIDDEN_PATRON]
    return [safe_text(patron.cardnumber), safe_text(patron.name)]


def variances_csv(page) -> HttpResponse:
    """One row per differing payment type: of each cashup (``kind`` cashup: expected is the
    session's, counted the till's) and of each day a device's totals differ (``kind`` device:
    expected is the register's lines, counted the device's report)."""
    header = ["kind", "id", "at", "register_id", "register_name", "library_code", "by",
              "flavour", "payment_type", "expected", "counted", "difference", "note"]
    cashups = (
        ["cashup", row.variance.cashup_id, _time(row.variance.timestamp), row.register.id,
         safe_text(row.register.name), row.register.library_id, safe_text(row.variance.recorded_by),
         row.variance.flavour, safe_text(count.payment_type), plain_text(count.expected),
         plain_text(count.counted), plain_text(count.difference), safe_text(row.variance.note)]
        for row in page.rows for count in row.variance.differing
    )
    devices = (
        ["device", device.settlement_id, device.day.isoformat(), device.register_id,
         safe_text(page.registers[device.register_id].name),
         page.registers[device.register_id].library_id, safe_text(device.source), "",
         safe_text(t.payment_type), plain_text(t.recorded), plain_text(t.reported),
         plain_text(t.difference), safe_text(device.external_id)]
        for device in page.device_days for t in device.types if t.difference
    )
    return csv_response(f"variances-{range_label(page.days)}.csv", header,
                        [*cashups, *devices])
