"""Rate limits, counted in the database (``core.rate_counter``: one atomic statement
per check on ``kohapay_rate_counter``), so that every gunicorn worker and every host behind the
load balancer counts against the same limit, exactly.

- ``ApiRateThrottle`` (every API view): ``KOHAPAY_API_RATE`` requests per API client (else per
  dashboard user, else per IP) — one misbehaving kiosk cannot starve the others.
- ``TokenClientThrottle`` and ``TokenIPThrottle`` (``POST /oauth/token``): ``KOHAPAY_TOKEN_RATE``
  per ``client_id`` and per IP — a brake on guessing secrets (a real kiosk needs one token an
  hour). Counted whether the request succeeds or not: the guesser cannot tell the difference.
- ``login_wait`` (the dashboard's login form, not a DRF view): ``KOHAPAY_LOGIN_RATE`` attempts per
  IP and per username, counted before any password is checked — so a refused attempt never
  reaches Koha's lockout counter either.

A refusal is a 429 with ``Retry-After`` in Koha's error shape (``core.errors``).
Rates are read from the settings at each request, so tests and deployments can change them.

Fixed windows: "600/min" allows 600 requests in each calendar minute (UTC, aligned on the epoch,
so every process agrees). Never more within a window, even under a concurrent burst; across a
window boundary a client may send up to twice the rate in a short interval, never more than the
rate on average. ``Retry-After`` is the time left until the window ends. Refused requests are
counted too (they cost a statement, not a pass). A request of a kohapay API client is counted
by the statement that checks its token (``payments.authentication``; the same row, the same
atomic increment), so that the check and the count cost one round trip.
"""
import base64
import binascii
import hashlib
import math
import time
from datetime import datetime

from django.conf import settings
from django.http.multipartparser import MultiPartParserError
from rest_framework.throttling import BaseThrottle

from core.rate_counter import count_hit, window_of

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}  # DRF's: s/sec, m/min, h/hour, d/day
MAX_IDENT = 64  # RateCounter.ident


def parse_rate(rate: str) -> tuple[int, int]:
    """``"<n>/<sec|min|hour|day>"`` (DRF's rate strings) → (requests, window in seconds)."""
    number, period = rate.split("/")
    return int(number), PERIODS[period.strip()[0]]


class KohapayThrottle(BaseThrottle):
    scope = ""  # the counter's scope
    setting = ""  # name of the kohapay setting holding the rate

    def counter_ident(self, request) -> str | None:
        """Whom to count this request against; None: not counted in this scope."""
        raise NotImplementedError

    def allow_request(self, request, view):
        rate = getattr(settings, self.setting)  # None: no limit (as in DRF)
        ident = None if rate is None else self.counter_ident(request)
        if ident is None:
            return True
        limit, seconds = parse_rate(rate)
        self.window = count_hit(self.scope, short_ident(ident), seconds)
        return self.window.hits <= limit

    def wait(self):
        """Seconds until the window ends, when the count starts again (whole, at least 1)."""
        return max(1, math.ceil(self.window.ends_at - time.time()))


def short_ident(ident: str) -> str:
    """The identity as stored: itself when it fits (readable for whoever looks at the table),
    else a hash (an address from a proxy's header may be any text)."""
    if len(ident) <= MAX_IDENT and ident.isascii():
        return ident
    return "sha256-" + hashlib.sha256(ident.encode()).hexdigest()[:48]


# Where ``payments.authentication`` leaves the count it took with the token check (one
# statement for both, ``payments.sql.counted_token_row``): (the rate it was counted for, the
# window's count). ``ApiRateThrottle`` then decides on it instead of counting again.
COUNTED_WITH_TOKEN = "kohapay_api_window"


def api_window(now: float | None = None) -> tuple[str, datetime, float] | None:
    """The ``api`` scope's current window for a counter written elsewhere: (the rate, the
    window's start, its end); None when there is no API rate."""
    rate = settings.KOHAPAY_API_RATE
    if rate is None:
        return None
    window_start, ends_at = window_of(parse_rate(rate)[1], now=now)
    return rate, window_start, ends_at


class ApiRateThrottle(KohapayThrottle):
    scope = "api"
    setting = "KOHAPAY_API_RATE"

    def allow_request(self, request, view):
        counted = getattr(request, COUNTED_WITH_TOKEN, None)
        if counted is not None and counted[0] == settings.KOHAPAY_API_RATE:
            self.window = counted[1]  # this request was counted with its token check
            return self.window.hits <= parse_rate(counted[0])[0]
        return super().allow_request(request, view)

    def counter_ident(self, request):
        client = getattr(request.user, "client", None)
        if client is not None:
            return f"client-{client.pk}"
        if getattr(request.user, "is_authenticated", False):
            return f"user-{request.user.pk}"
        return f"ip-{self.get_ident(request)}"


class TokenIPThrottle(KohapayThrottle):
    scope = "token-ip"
    setting = "KOHAPAY_TOKEN_RATE"

    def counter_ident(self, request):
        return f"ip-{self.get_ident(request)}"


class TokenClientThrottle(KohapayThrottle):
    scope = "token-client"
    setting = "KOHAPAY_TOKEN_RATE"

    def counter_ident(self, request):
        client_id = token_request_client_id(request)
        if not client_id:
            return None  # nothing to count per client; the per-IP limit still applies
        # Hashed: any text may arrive here, and it is a credential's half — never stored as is.
        return hashlib.sha256(client_id.encode()).hexdigest()[:32]


def token_request_client_id(request) -> str | None:
    """The client_id of a token request: from HTTP Basic client authentication, else the form."""
    return token_request_credentials(request)[0]


def token_request_credentials(request) -> tuple[str | None, str | None]:
    """(client_id, client_secret) of a token request: from an HTTP Basic header when there is
    one (as Koha reads it: base64 of ``id:secret``), else from the form; None when absent or
    unreadable."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header[:6].lower() == "basic ":
        try:
            pair = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None, None
        client_id, _, secret = pair.partition(":")
        return client_id or None, secret or None
    try:
        form = request._request.POST
        return form.get("client_id") or None, form.get("client_secret") or None
    except (MultiPartParserError, ValueError):  # a malformed body: the token view refuses it
        return None, None


def login_wait(request, username: str) -> int | None:
    """Count one login attempt against its address and its username; None if both are within
    ``KOHAPAY_LOGIN_RATE``, else the seconds to wait. The username is counted hashed and
    case-folded (Koha's userids match whatever the case; a username field sometimes holds a
    mistyped password)."""
    rate = settings.KOHAPAY_LOGIN_RATE
    if rate is None:
        return None
    limit, seconds = parse_rate(rate)
    folded = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
    idents = [("login-ip", f"ip-{BaseThrottle().get_ident(request)}"), ("login-user", folded)]
    windows = [count_hit(scope, short_ident(ident), seconds) for scope, ident in idents]
    over = [w for w in windows if w.hits > limit]
    if not over:
        return None
    return max(1, math.ceil(max(w.ends_at for w in over) - time.time()))
