"""Money as Koha stores it: ``decimal(28,6)``, parsed and printed exactly (never through float)."""
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from rest_framework import serializers

from koha.fields import MONEY

DECIMAL_PLACES = MONEY["decimal_places"]  # accountlines.amount is decimal(28,6)
# A decimal string as a person writes it: digits, optionally a point and more digits.
# No sign, exponent, spaces, thousands separators or decimal comma ("2,50" is refused).
DECIMAL_STRING = re.compile(r"[0-9]+(\.[0-9]+)?")


def parse_amount(value, name: str = "amount") -> Decimal:
    """The amount of an intake from its JSON value (a number — already a Decimal or an int from
    the parser — or a decimal string), or ``ValueError`` with the sentence to show (``name``: the
    property the sentence names, e.g. a sale item's ``price``).

    Rules: > 0, at most 6 decimal places once trailing zeros are dropped (2.5000000 is 2.5, exactly
    storable), at most ``KOHAPAY_MAX_AMOUNT``. Booleans, floats, NaN and infinities are refused.
    """
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)):
        raise ValueError(f"{name} must be a JSON number or a decimal string such as \"2.50\".")
    if isinstance(value, str):
        if not DECIMAL_STRING.fullmatch(value):
            raise ValueError(
                f"{name} must be digits with an optional decimal point, e.g. \"2.50\".")
        value = Decimal(value)
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"{name} must be a finite number.")
    if amount <= 0:
        raise ValueError(f"{name} must be greater than 0.")
    if amount > settings.KOHAPAY_MAX_AMOUNT:
        raise ValueError(f"{name} must be at most {exact(settings.KOHAPAY_MAX_AMOUNT)}.")
    if decimal_places(amount) > DECIMAL_PLACES:
        raise ValueError(f"{name} may have at most {DECIMAL_PLACES} decimal places.")
    return exact(amount)


def decimal_places(amount: Decimal) -> int:
    exponent = amount.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def exact(amount: Decimal | int) -> Decimal:
    """The shortest plain form: 2.500000 → 2.5, 10000.000000 → 10000 (never 1E+4), -0 → 0."""
    try:
        normal = Decimal(amount).normalize()
    except InvalidOperation:  # pragma: no cover - only for values the column cannot hold
        raise ValueError(f"{amount!r} is not a decimal amount") from None
    return Decimal(format(normal, "f")) + 0


class AmountField(serializers.DecimalField):
    """An amount in an API answer: an exact JSON number (never a float, never a string), in its
    shortest form (2.5, 10000). ``max_digits`` is a money column's unless a total needs more."""

    def __init__(self, *, max_digits: int = MONEY["max_digits"], **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=DECIMAL_PLACES,
                         coerce_to_string=False, **kwargs)

    def to_representation(self, value):
        return exact(value)
