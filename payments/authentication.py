"""API authentication: OAuth2 Bearer tokens of active API clients (Koha's wire protocol).

Tokens are issued by django-oauth-toolkit (``payments.oauth``, ``POST /api/v1/oauth/token``).
Checking one on every call does not go through the toolkit's oauthlib round trip (it rebuilt an
oauthlib request from the Django request, then made two queries: ~5 ms, a fifth of an intake).
Instead one indexed query does what the toolkit's ``validate_bearer_token`` and our client check
did, with the same rules:

- the token comes from ``Authorization: Bearer <token>`` only, as Koha's own API reads it (the
  toolkit also took ``?access_token=`` from the URL, where tokens end up in access logs);
- it is found by the SHA-256 ``token_checksum`` the toolkit stores (a revoked token is deleted by
  the toolkit, so it is simply not found);
- it is valid while ``expires`` lies in the future (``AccessToken.is_expired``); the toolkit's
  resource check asks for no scope, and neither do we;
- its application must belong to an *active* kohapay client whose staff patron still exists in
  Koha — deactivating a client invalidates its tokens at once, without touching them.
"""
import hashlib
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS
from django.db.models import DEFERRED, Exists, OuterRef
from django.utils import timezone
from oauth2_provider.models import get_access_token_model
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from payments.models import ApiClient, Patron

INVALID_TOKEN = "The access token is missing, malformed, expired or revoked."
INACTIVE_CLIENT = "This API client is not active (or its staff patron no longer exists in Koha)."
# What the toolkit puts in WWW-Authenticate for a token it refuses (RFC 6750 §3).
NOT_FOUND = {"error": "invalid_token", "error_description": "The access token is invalid."}
EXPIRED = {"error": "invalid_token", "error_description": "The access token has expired."}

TOKEN_FIELDS = ("id", "application_id", "expires", "scope")
CLIENT_FIELDS = ("id", "name", "active", "application_id", "staff_patron_id", "created_at")
CLIENT = "application__api_client__"


@dataclass(frozen=True)
class ClientPrincipal:
    """``request.user`` of an API call: the client, not a Django user."""

    client: ApiClient
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
        row = token_and_client(token) if token else None
        if row is None or not _unexpired(row["expires"]):
            request.oauth2_error = EXPIRED if row is not None else NOT_FOUND
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        if not (row[CLIENT + "active"] and row["staff_exists"]):
            raise exceptions.AuthenticationFailed(INACTIVE_CLIENT)
        client = _from_row(ApiClient, CLIENT_FIELDS, row, CLIENT)
        return ClientPrincipal(client), _from_row(get_access_token_model(), TOKEN_FIELDS, row)

    def authenticate_header(self, request):
        """``Bearer realm="kohapay"`` plus the toolkit's error attributes when a token failed."""
        attributes = {"realm": self.www_authenticate_realm, **getattr(request, "oauth2_error", {})}
        return "Bearer " + ",".join(f'{key}="{value}"' for key, value in attributes.items())


def bearer_token(header: str) -> str | None:
    """The token of ``Bearer <token>`` (scheme case-insensitive), as oauthlib parses it."""
    parts = header.split()
    return parts[1] if len(parts) == 2 and parts[0].lower() == "bearer" else None


def token_and_client(token: str) -> dict | None:
    """The token's row with its client's columns and whether the staff patron exists, or None.
    One query: the token by checksum, LEFT JOIN its application's client."""
    checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
    staff = Patron.objects.filter(pk=OuterRef(CLIENT + "staff_patron_id"))
    rows = (
        get_access_token_model().objects.filter(token_checksum=checksum)
        .annotate(staff_exists=Exists(staff))
        .values(*TOKEN_FIELDS, *(CLIENT + name for name in CLIENT_FIELDS), "staff_exists")[:1]
    )
    return next(iter(rows), None)


def _unexpired(expires) -> bool:
    return expires is not None and timezone.now() < expires


def _from_row(model, fields, row, prefix=""):
    """A model instance as if loaded by the ORM (not "adding"), from the columns in ``row``;
    the columns not read stay deferred."""
    concrete = model._meta.concrete_fields
    values = [row[prefix + f.attname] if f.attname in fields else DEFERRED for f in concrete]
    return model.from_db(DEFAULT_DB_ALIAS, [f.attname for f in concrete], values)
