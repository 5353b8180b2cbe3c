"""Request parsing: JSON numbers become Decimal, never float (money is exact from the wire on)."""
import codecs
import decimal

import simplejson
from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _reject_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")


class DecimalJSONParser(JSONParser):
    """JSON parser that reads every number with a fraction or exponent as ``Decimal``.

    NaN/Infinity are rejected, as in strict JSON; ``1e309`` stays a (huge) Decimal for the
    validators to refuse, instead of silently becoming ``inf``.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream, errors="strict").read()
            return simplejson.loads(
                text, parse_float=decimal.Decimal, parse_constant=_reject_constant,
                allow_nan=False,
            )
        except (ValueError, UnicodeDecodeError, decimal.InvalidOperation) as exc:
            raise ParseError(f"The request body is not valid JSON: {exc}") from exc
