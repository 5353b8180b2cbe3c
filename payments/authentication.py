"""API authentication: OAuth2 Bearer tokens of active API clients (Koha's wire protocol).

Tokens are issued by django-oauth-toolkit (``payments.oauth``, ``POST /api/v1/oauth/token``).
Checking one on every call does not go through the toolkit's oauthlib round trip (it rebuilt an
oauthlib request from the Django request, then made two queries: ~5 ms, a fifth of an intake).
Instead one indexed query (``payments.sql.token_row``) does what the toolkit's
``validate_bearer_token`` and our client check did, with the same rules (on MariaDB, for a token
that passes them, the same statement also counts the request for the rate limit:
``sql.counted_token_row``, ``core.throttling``):

- the token comes from ``Authorization: Bearer <token>`` only, as Koha's own API reads it (the
  toolkit also took ``?access_token=`` from the URL, where tokens end up in access logs);
- it is found by the SHA-256 ``token_checksum`` the toolkit stores (a revoked token is deleted by
  the toolkit, so it is simply not found);
- it is valid while ``expires`` lies in the future (``AccessToken.is_expired``); the toolkit's
  resource check asks for no scope, and neither do we;
- its application must belong to an *active* kohapay client whose staff patron still exists in
  Koha — deactivating a client invalidates its tokens at once, without touching them.

Tokens of Koha API keys (``payments.services.koha_keys``; they start with ``kk_``, which the
toolkit's never do) are found by their SHA-256 in kohapay's own table, in one query that also
reads the key and its owner: the token must be unexpired, its kohapay client active, the key
still in Koha's ``api_keys`` and active, its owner still a patron — stricter than Koha, which
checks ``active`` only when it issues a token. A second query reads the owner's permissions
(``koha.identity.permissions.for_patron``), which ``payments.permissions`` checks against the
view's. kohapay's own clients' path is unchanged: one query.
"""
import hashlib
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from oauth2_provider.models import get_access_token_model
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from core.rate_counter import WindowCount
from core.throttling import COUNTED_WITH_TOKEN, api_window
from koha.identity.api_keys import KeyOwner
from koha.identity.permissions import for_patron
from payments import sql
from payments.models import ApiClient, KohaKeyToken
from payments.services.koha_keys import TOKEN_PREFIX, token_checksum

INVALID_TOKEN = "The access token is missing, malformed, expired or revoked."
INACTIVE_CLIENT = "This API client is not active (or its staff patron no longer exists in Koha)."
REVOKED_KEY = ("This token's Koha API key was revoked or deleted in Koha (or its owner no longer "
               "exists).")
# What the toolkit puts in WWW-Authenticate for a token it refuses (RFC 6750 §3).
NOT_FOUND = {"error": "invalid_token", "error_description": "The access token is invalid."}
EXPIRED = {"error": "invalid_token", "error_description": "The access token has expired."}


@dataclass(frozen=True)
class ClientPrincipal:
    """``request.user`` of an API call: the client, not a Django user."""

    client: ApiClient
    owner: KeyOwner | None = None  # a Koha API key's owner; None for kohapay's own clients
    is_authenticated = True
    is_anonymous = False

    def __str__(self):
        return self.client.name


class ApiClientAuthentication(BaseAuthentication):
    """A valid, unexpired token whose application belongs to an *active* kohapay client."""

    www_authenticate_realm = "kohapay"

    def authenticate(self, request):
        # Only the header: a malformed body must not win over a missing token, so nothing here
        # may touch request.data or request.POST.
        header = request.META.get("HTTP_AUTHORIZATION")
        if not header:
            return None
        token = bearer_token(header)
        if token and token.startswith(TOKEN_PREFIX):
            return self.authenticate_koha_key(request, token)
        counted = counted_token_check(request, token) if token else None
        if counted is not None:
            return counted
        found = token_check(token) if token else None
        if found is None or not found.unexpired:
            request.oauth2_error = EXPIRED if found is not None else NOT_FOUND
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        if found.client is None or not (found.client.active and found.staff_exists):
            raise exceptions.AuthenticationFailed(INACTIVE_CLIENT)
        access_token = get_access_token_model().from_db(
            connection.alias, ["id", "application_id"], [found.token_id, found.application_id])
        return ClientPrincipal(found.client), access_token

    def authenticate_koha_key(self, request, token: str):
        counted = counted_koha_key_check(request, token)
        if counted is not None:
            return counted
        found = koha_key_token_check(token)
        if found is None or not found.unexpired:
            request.oauth2_error = EXPIRED if found is not None else NOT_FOUND
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        if not found.client.active:
            raise exceptions.AuthenticationFailed(INACTIVE_CLIENT)
        if found.owner is None:
            raise exceptions.AuthenticationFailed(REVOKED_KEY)
        token_row = KohaKeyToken.from_db(connection.alias, ["id", "client_id"],
                                         [found.token_id, found.client.pk])
        return ClientPrincipal(found.client, owner=found.owner), token_row

    def authenticate_header(self, request):
        """``Bearer realm="kohapay"`` plus the toolkit's error attributes when a token failed."""
        attributes = {"realm": self.www_authenticate_realm, **getattr(request, "oauth2_error", {})}
        return "Bearer " + ",".join(f'{key}="{value}"' for key, value in attributes.items())


def bearer_token(header: str) -> str | None:
    """The token of ``Bearer <token>`` (scheme case-insensitive), as oauthlib parses it."""
    parts = header.split()
    return parts[1] if len(parts) == 2 and parts[0].lower() == "bearer" else None


@dataclass(frozen=True)
class TokenCheck:
    """What one look-up of a presented token found."""

    unexpired: bool
    token_id: int
    application_id: int | None
    client: ApiClient | None  # None: the application belongs to no kohapay client
    staff_exists: bool


def counted_koha_key_check(request, token: str):
    """``counted_token_check`` for a Koha API key's token (``sql.counted_koha_key_token_row``),
    then the owner's permissions in one more query, as ``koha_key_token_check``."""
    row = _counted_row(request, sql.counted_koha_key_token_row, token_checksum(token))
    if row is None:
        return None
    token_id, client_id, name, koha_client_id, owner_id, userid, flags, home = row
    owner = KeyOwner(borrowernumber=owner_id, userid=userid, home_library=home,
                     permissions=for_patron(userid, flags, owner_id))
    client = ApiClient.from_db(
        connection.alias, ["id", "name", "active", "application_id", "koha_client_id",
                           "staff_patron_id"],
        [client_id, name, True, None, koha_client_id, owner_id])
    token_row = KohaKeyToken.from_db(connection.alias, ["id", "client_id"], [token_id, client_id])
    return ClientPrincipal(client, owner=owner), token_row


def _counted_row(request, read, checksum: str) -> tuple | None:
    """The token's columns read by ``read`` (one of ``sql``'s counting statements) after the
    count it took, which is left on the request for the throttle; None — nothing counted — when
    the database cannot count that way or the token is not valid."""
    window = _counted_window()
    if window is None:
        return None
    rate, window_start, ends_at = window
    row = read(checksum, timezone.now(), window_start)
    if row is None:
        return None
    setattr(request, COUNTED_WITH_TOKEN, (rate, WindowCount(hits=row[0], ends_at=ends_at)))
    return row[1:]


def _counted_window():
    """The API rate's window when the database can count with the token check (MariaDB's
    ``INSERT … SELECT … ON DUPLICATE KEY UPDATE … RETURNING``), else None."""
    if not (connection.vendor == "mysql" and connection.mysql_is_mariadb
            and connection.features.can_return_rows_from_bulk_insert):
        return None
    return api_window()


def counted_token_check(request, token: str):
    """(principal, token) of a token that passes every check, counted in its client's rate
    window by the same statement (``sql.counted_token_row``), which it leaves on the request for
    ``core.throttling.ApiRateThrottle``; None when that statement is not available (no API rate,
    a database without ``RETURNING`` from an upsert) or found no valid token — then
    ``token_check`` decides, and says why, uncounted, as before."""
    row = _counted_row(request, sql.counted_token_row, _checksum(token))
    if row is None:
        return None
    token_id, application_id, client_id, name, staff_id = row
    client = ApiClient.from_db(connection.alias, ["id", "name", "active", "application_id",
                                                  "staff_patron_id"],
                               [client_id, name, True, application_id, staff_id])
    access_token = get_access_token_model().from_db(
        connection.alias, ["id", "application_id"], [token_id, application_id])
    return ClientPrincipal(client), access_token


def _checksum(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_check(token: str) -> TokenCheck | None:
    """The presented token's state and its client, in one query; None if no such token.
    ``expires > now`` is the toolkit's ``not is_expired()`` (a NULL expiry is expired)."""
    row = sql.token_row(_checksum(token), timezone.now())
    if row is None:
        return None
    unexpired, token_id, application_id, client_id, name, active, staff_id, staff = row
    found = None
    if client_id is not None:
        found = ApiClient.from_db(connection.alias, ["id", "name", "active", "application_id",
                                                     "staff_patron_id"],
                                  [client_id, name, bool(active), application_id, staff_id])
    return TokenCheck(unexpired=bool(unexpired), token_id=token_id,
                      application_id=application_id, client=found, staff_exists=bool(staff))


@dataclass(frozen=True)
class KohaKeyCheck:
    """What one look-up of a presented Koha key token found."""

    unexpired: bool
    token_id: int
    client: ApiClient  # acting as the owner (staff_patron_id), whatever the row last recorded
    owner: KeyOwner | None  # None: the key is revoked or gone, or its owner is


def koha_key_token_check(token: str) -> KohaKeyCheck | None:
    """The presented Koha key token, its client, the key (if still active) and its owner in one
    query (``sql.koha_key_token_row``), then — for a live token of an active client — the
    owner's permissions in one more; None if no such token."""
    row = sql.koha_key_token_row(token_checksum(token), timezone.now())
    if row is None:
        return None
    unexpired, token_id, client_id, name, active, koha_client_id, owner_id, userid, flags, home = row
    owner = None
    if owner_id is not None and unexpired and active:
        owner = KeyOwner(borrowernumber=owner_id, userid=userid, home_library=home,
                         permissions=for_patron(userid, flags, owner_id))
    client = ApiClient.from_db(
        connection.alias, ["id", "name", "active", "application_id", "koha_client_id",
                           "staff_patron_id"],
        [client_id, name, bool(active), None, koha_client_id, owner_id])
    return KohaKeyCheck(unexpired=bool(unexpired), token_id=token_id, client=client, owner=owner)
