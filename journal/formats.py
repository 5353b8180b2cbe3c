"""The journal as files an accounting system imports (docs/journal.md):

- **CSV** (``format=csv``): the documented columns ``date, library, cost_centre, account,
  description, debit, credit, vat_code, reference``; amounts plain with two decimals, an empty
  cell for the side a line does not use.
- **Fixed layout** (``format=fixed``): the columns and separator of the journal settings, so a
  library matches its ERP's import without code: ``name`` or ``name:width`` (padded with spaces
  or cut to that width; amounts right-aligned), joined by the separator (``\\t`` for a tab,
  empty for pure fixed widths), with an optional header line.

Text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``…) gets an apostrophe, as in
the dashboard's other exports: descriptions and codes come from staff.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse

from journal.entries import COLUMNS, Line
from registers.exports import csv_response, safe_text
from registers.formatting import plain_text

AMOUNTS = {"debit", "credit"}


def _cell(line: Line, name: str) -> str:
    value = getattr(line, name)
    if name in AMOUNTS:
        return plain_text(value) if value else ""
    if name == "date":
        return value.isoformat()
    return safe_text(value)


def journal_csv(lines, filename: str) -> HttpResponse:
    return csv_response(filename, COLUMNS, ([_cell(line, name) for name in COLUMNS]
                                            for line in lines))


@dataclass(frozen=True)
class Column:
    name: str
    width: int | None = None

    def render(self, line: Line) -> str:
        text = _cell(line, self.name)
        if self.width is None:
            return text
        text = text[:self.width]
        return text.rjust(self.width) if self.name in AMOUNTS else text.ljust(self.width)


def parse_layout(spec: str) -> list[Column]:
    """``date,account:10,debit:12`` → columns; ``ValueError`` with the sentence to show."""
    columns = []
    for part in (p.strip() for p in spec.split(",")):
        name, _, width = part.partition(":")
        if name not in COLUMNS:
            raise ValueError(f"Unknown column {name!r}: use {', '.join(COLUMNS)}.")
        if width and not (width.isdigit() and 0 < int(width) <= 200):
            raise ValueError(f"The width of {name} must be a number from 1 to 200.")
        columns.append(Column(name, int(width) if width else None))
    if not columns:
        raise ValueError("Name at least one column.")
    return columns


def separator(value: str) -> str:
    return value.replace("\\t", "\t")


def fixed_text(lines, *, spec: str, sep: str, header: bool) -> str:
    columns = parse_layout(spec)
    joiner = separator(sep)
    rows = []
    if header:
        rows.append(joiner.join(c.name.ljust(c.width or 0)[:c.width or None] for c in columns))
    rows.extend(joiner.join(c.render(line) for c in columns) for line in lines)
    return "".join(f"{row}\r\n" for row in rows)


def journal_fixed(lines, filename: str, *, spec: str, sep: str, header: bool) -> HttpResponse:
    response = HttpResponse(fixed_text(lines, spec=spec, sep=sep, header=header),
                            content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


