"""Rate limits, counted in the shared database cache (``CACHES``: table ``kohapay_cache``), so that
every gunicorn worker and every host behind the load balancer counts against the same limit.

- ``ApiRateThrottle`` (every API view): ``KOHAPAY_API_RATE`` requests per API client (else per
  dashboard user, else per IP) — one misbehaving kiosk cannot starve the others.
- ``TokenClientThrottle`` and ``TokenIPThrottle`` (``POST /oauth/token``): ``KOHAPAY_TOKEN_RATE``
  per ``client_id`` and per IP — a brake on guessing secrets (a real kiosk needs one token an
  hour). Counted whether the request succeeds or not: the guesser cannot tell the difference.

A refusal is a 429 with ``Retry-After`` in Koha's error shape (``kohapay.exception_handlers``).
Rates are read from the settings at each request, so tests and deployments can change them.
The counter is read, appended to and written back (DRF's sliding window), not incremented
atomically: under heavy concurrency a burst may get a few requests past the limit, never fewer.
"""
import base64
import binascii
import hashlib

from django.conf import settings
from django.http.multipartparser import MultiPartParserError
from rest_framework.throttling import SimpleRateThrottle


class KohapayThrottle(SimpleRateThrottle):
    setting = ""  # name of the kohapay setting holding the rate

    def get_rate(self):
        return getattr(settings, self.setting)

    def cache_key_for(self, ident: str) -> str:
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ApiRateThrottle(KohapayThrottle):
    scope = "api"
    setting = "KOHAPAY_API_RATE"

    def get_cache_key(self, request, view):
        client = getattr(request.user, "client", None)
        if client is not None:
            return self.cache_key_for(f"client-{client.pk}")
        if getattr(request.user, "is_authenticated", False):
            return self.cache_key_for(f"user-{request.user.pk}")
        return self.cache_key_for(f"ip-{self.get_ident(request)}")


class TokenIPThrottle(KohapayThrottle):
    scope = "token-ip"
    setting = "KOHAPAY_TOKEN_RATE"

    def get_cache_key(self, request, view):
        return self.cache_key_for(self.get_ident(request))


class TokenClientThrottle(KohapayThrottle):
    scope = "token-client"
    setting = "KOHAPAY_TOKEN_RATE"

    def get_cache_key(self, request, view):
        client_id = token_request_client_id(request)
        if not client_id:
            return None  # nothing to count per client; the per-IP limit still applies
        # Hashed: any text may arrive here, and cache keys must be short and plain.
        return self.cache_key_for(hashlib.sha256(client_id.encode()).hexdigest()[:32])


def token_request_client_id(request) -> str | None:
    """The client_id of a token request: from HTTP Basic client authentication, else the form."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header[:6].lower() == "basic ":
        try:
            pair = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        return pair.split(":", 1)[0] or None
    try:
        return request._request.POST.get("client_id") or None
    except (MultiPartParserError, ValueError):  # a malformed body: the token view refuses it
        return None
