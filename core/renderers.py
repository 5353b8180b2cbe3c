"""Response rendering: Decimal amounts are written as exact JSON numbers (2.5, never 2.4999999)."""
import simplejson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder


class ExactJSONRenderer(JSONRenderer):
    """DRF's JSON renderer, but Decimals go out digit for digit instead of through float."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return simplejson.dumps(
            data, use_decimal=True, default=JSONEncoder().default, ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
