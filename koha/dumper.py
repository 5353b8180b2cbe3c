"""The Perl ``Data::Dumper`` text that Koha's ``C4::Log::logaction`` stores in ``action_logs.info``
for FINES/CREATE (spec §4.4), as ``koha.recipes`` writes it.

Koha calls ``Dumper({...})`` with the module's defaults (``Indent = 2``, XS implementation), which
prints, for a hash::

    $VAR1 = {
              'action' => 'create_PRINT',
              'borrowernumber' => 42,
              'itemnumber' => undef
            };

Value rules of the XS dumper: an integer (Perl IV) is bare (``42``, ``-5``); any other number is
a quoted string as Perl prints it (``'2.5'``, ``'-2.5'``, ``'1e-06'``); ``undef`` is bare; a string
is single-quoted with ``\\`` and ``'`` escaped, unless it holds a character above U+007F: then it
is double-quoted with ``\\``, ``"``, ``$`` and ``@`` escaped and those characters as ``\\x{hex}``.
Perl's hash order is random, so Koha's key order is not fixed: ``SPEC_ORDER`` is the spec's,
``APPEND_ORDER`` leads with the keys that barely vary (see there).
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal

# Perl's XS dumper prints an IV bare when its text (sign included) is at most 10 characters long,
# and quotes longer ones "so that a 32 bit system reads the number".
_MAX_BARE_LENGTH = 10


def dumper(values: dict) -> str:
    """``Data::Dumper::Dumper(\\%values)`` for a flat hash of strings, numbers and undef."""
    indent = " " * 10  # len("$VAR1 = {") + 1
    lines = [f"{indent}{perl_string(key)} => {perl_value(value)}" for key, value in values.items()]
    return "$VAR1 = {\n" + ",\n".join(lines) + "\n        };\n"


def perl_value(value) -> str:
    if value is None:
        return "undef"
    if isinstance(value, bool):
        raise TypeError("Perl has no booleans; pass 0 or 1")
    if isinstance(value, (int, Decimal)):
        return perl_number(value)
    return perl_string(str(value))


def perl_number(value: int | Decimal) -> str:
    """An integral amount is a Perl IV (bare), any other a Perl NV, quoted as Perl prints it."""
    number = Decimal(format(Decimal(value).normalize(), "f"))
    if number == number.to_integral_value():
        text = str(int(number))
        return text if len(text) <= _MAX_BARE_LENGTH else perl_string(text)
    return perl_string(perl_float_text(number))


def perl_float_text(number: Decimal) -> str:
    """Perl's text of an NV: C's ``%.15g`` — 15 significant digits, trailing zeros dropped, and
    the exponent form below 1e-4 (0.000001 prints as ``1e-06``) or from 1e15 up."""
    rounded = number.normalize(Context(prec=15, rounding=ROUND_HALF_EVEN))
    exponent = rounded.adjusted()
    if -4 <= exponent < 15:
        return format(rounded, "f")
    sign, digits, _ = rounded.as_tuple()
    mantissa = str(digits[0]) + ("." + "".join(map(str, digits[1:])) if len(digits) > 1 else "")
    return f"{'-' if sign else ''}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def perl_string(text: str) -> str:
    if not text.isascii():  # (any character above 0x7F; str.isascii is one C call)
        escaped = []
        for char in text:
            if char in '\\"$@':
                escaped.append("\\" + char)
            elif ord(char) > 0x7F:
                escaped.append(f"\\x{{{ord(char):x}}}")
            else:
                escaped.append(char)
        return '"' + "".join(escaped) + '"'
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


@dataclass(frozen=True)
class KeyOrder:
    """The order of the ``info`` keys of add_debit's and add_credit's FINES/CREATE rows."""

    debit: tuple[str, ...]
    credit: tuple[str, ...]


SPEC_ORDER = KeyOrder(
    debit=("action", "borrowernumber", "amount", "description", "amountoutstanding",
           "debit_type_code", "note", "itemnumber", "manager_id"),
    credit=("action", "borrowernumber", "amount", "description", "amountoutstanding",
            "credit_type_code", "note", "itemnumber", "manager_id", "branchcode"),
)
# `action_logs.info_idx` indexes the first 191 characters of `info`: texts that start with the
# keys that barely vary turn a bulk load's index inserts into appends instead of scattering them
# over an index that outgrows a small buffer pool (a 1 M-line demo seed ran ~2x slower in
# SPEC_ORDER). Koha's own order is random, so both are Koha's.
APPEND_ORDER = KeyOrder(
    debit=("note", "itemnumber", "manager_id", "action", "debit_type_code", "borrowernumber",
           "amount", "amountoutstanding", "description"),
    credit=("note", "itemnumber", "manager_id", "branchcode", "action", "credit_type_code",
            "borrowernumber", "amount", "amountoutstanding", "description"),
)


def debit_log_info(*, debit_type: str, patron_id: int, amount: Decimal | str, description: str,
                   note: str, manager_id: int, order: KeyOrder = SPEC_ORDER) -> str:
    """``info`` of the FINES/CREATE row ``add_debit`` writes (keys of spec §4.4). ``amount`` as
    the caller of add_debit passed it: a number, or the text a form sent ("2.50")."""
    values = {
        "action": f"create_{debit_type}", "borrowernumber": patron_id, "amount": amount,
        "description": description, "amountoutstanding": amount, "debit_type_code": debit_type,
        "note": note, "itemnumber": None, "manager_id": manager_id,
    }
    return dumper({key: values[key] for key in order.debit})


def credit_log_info(*, credit_type: str, patron_id: int, amount: Decimal, description: str,
                    note: str, manager_id: int, library_id: str | None,
                    order: KeyOrder = SPEC_ORDER) -> str:
    """``info`` of the FINES/CREATE row ``add_credit`` writes; ``amount`` is the positive sum,
    logged negated as Koha does (it negates first, so Perl logs a number: -2.5, not -2.50)."""
    values = {
        "action": f"create_{credit_type}", "borrowernumber": patron_id, "amount": -amount,
        "description": description, "amountoutstanding": -amount,
        "credit_type_code": credit_type, "note": note, "itemnumber": None,
        "manager_id": manager_id, "branchcode": library_id,
    }
    return dumper({key: values[key] for key in order.credit})
