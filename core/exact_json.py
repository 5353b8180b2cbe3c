"""JSON that keeps money exact: Decimal out as a JSON number digit for digit, numbers with a
fraction back in as Decimal. Used by the API renderer and by the stored intake responses (so a
replay returns 2.5, never 2.4999999 or "2.5")."""
import json
from decimal import Decimal

import simplejson


class ExactJSONEncoder(json.JSONEncoder):
    """For ``JSONField(encoder=…)``: Django calls ``json.dumps(value, cls=…)``; we answer with
    simplejson, which writes a Decimal as a plain JSON number (the stdlib cannot)."""

    def encode(self, o):
        return simplejson.dumps(o, use_decimal=True, ensure_ascii=False, separators=(",", ":"))


class ExactJSONDecoder(json.JSONDecoder):
    """For ``JSONField(decoder=…)``: numbers with a fraction or exponent become Decimal."""

    def __init__(self, *args, **kwargs):
        kwargs["parse_float"] = Decimal
        super().__init__(*args, **kwargs)
