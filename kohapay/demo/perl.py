"""Koha's ``action_logs.info`` text: Perl's ``Data::Dumper`` of a hash (spec §4.4).

Dumper (default ``Indent=2``) writes ``$VAR1 = {`` then one ``'key' => value`` per line, indented
to align under the brace, and ``};``. Integers of up to nine digits are bare; every other scalar is
single-quoted (so ``-2.5`` prints as ``'-2.5'``); ``undef`` is bare. Perl's hash order is random, so
readers must not depend on the order: we keep the order the spec lists.
"""
from __future__ import annotations

import re
from decimal import Decimal

_BARE_INTEGER = re.compile(r"^(?:0|-?[1-9]\d{0,8})\Z")
_INDENT = " " * len("$VAR1 = {")


def dumper(pairs: list[tuple[str, object]]) -> str:
    """``Data::Dumper::Dumper`` of a flat hash given as (key, value) pairs."""
    body = ",\n".join(f"{_INDENT} {_quote(key)} => {_scalar(value)}" for key, value in pairs)
    return f"$VAR1 = {{\n{body}\n{_INDENT[:-1]}}};\n"


def perl_number(value: Decimal) -> str:
    """How Perl stringifies a number computed from ``value`` (``-2.50 * 1`` is ``-2.5``)."""
    return f"{value.normalize():f}"


def _scalar(value: object) -> str:
    """Dumper prints a value bare when it looks like a small integer, whatever its Perl type."""
    if value is None:
        return "undef"
    text = str(value)
    return text if _BARE_INTEGER.match(text) else _quote(text)


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
