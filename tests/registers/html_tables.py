"""Read a rendered <table> back into rows of cell texts (to compare a page with its CSV)."""
from decimal import Decimal
from html.parser import HTMLParser


class _TableReader(HTMLParser):
    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.depth, self.rows = table_id, 0, []
        self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and (self.depth or attrs.get("id") == self.table_id):
            self.depth += 1
        elif self.depth and tag == "tr":
            self._row = {"attrs": attrs, "cells": []}
        elif self.depth and tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "table":
            self.depth -= 1
        elif tag in ("td", "th") and self._cell is not None:
            self._row["cells"].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str, table_id: str) -> list[dict]:
    """[{"attrs": {...} of the <tr>, "cells": [text, …]}] of the table with this id."""
    reader = _TableReader(table_id)
    reader.feed(html)
    return reader.rows


def amount(text: str) -> Decimal:
    """A displayed amount ("1,234.50", "−3.00") as a Decimal."""
    return Decimal(text.replace(",", "").replace("\u2212", "-"))
