"""How the dashboard writes figures: on pages with the currency's two decimals, in CSV and JSON
as plain, exact decimals (never floats)."""
from decimal import ROUND_HALF_UP, Decimal

from core.money import exact

CENT = Decimal("0.01")


def plain_amount(value: Decimal | None) -> Decimal:
    """Exact value with at least two decimals: 2.5 → 2.50, 0.125 stays 0.125 (nothing is lost).

    Not ``core.money.exact`` on purpose, though both are exact: ``exact`` is the payments API's
    shortest form (2.5), echoing an amount as a client sent it; the dashboard's CSV and JSON
    write register figures as money is read in a spreadsheet or a till report, with the cents
    (documented in docs/dashboard.md and the OpenAPI schema). Beyond the cents they agree."""
    value = value if value is not None else Decimal("0")
    two = value.quantize(CENT)
    return two if two == value else exact(value)


def plain_text(value: Decimal | None) -> str:
    """A plain decimal string: no thousands separator, no currency sign, no exponent."""
    return format(plain_amount(value), "f")


def display_amount(value: Decimal | None) -> str:
    """For a page: two decimals, thousands separated, a true minus sign."""
    rounded = (value if value is not None else Decimal("0")).quantize(CENT, ROUND_HALF_UP)
    text = f"{abs(rounded):,.2f}"
    return f"\u2212{text}" if rounded < 0 else text


def sign_class(value: Decimal | None) -> str:
    """CSS class of an amount on a page: ``neg``, ``zero`` or ``pos``."""
    if value is None or value == 0:
        return "zero"
    return "neg" if value < 0 else "pos"
