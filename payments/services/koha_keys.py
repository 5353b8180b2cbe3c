"""Koha API keys as kohapay clients: the token endpoint's answer to a Koha key (Koha's rules,
``koha.identity.api_keys``), the kohapay client row each key gets, and its narrowing
(``manage.py api_key_scope``, the admin).

Which flow answers a token request: a ``client_id`` of a kohapay application is always kohapay's
own client (django-oauth-toolkit's flow, exactly as before Koha keys existed), whatever Koha's
``api_keys`` holds. Any other ``client_id`` is a Koha key's — unless Koha has no such key and
``RESTOAuth2ClientCredentials`` is off, when kohapay's own flow gives its usual 401: an
installation without Koha keys sees no change. (The two cannot meet by accident: Koha makes
UUIDs, the toolkit 40 letters and digits.)
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from oauth2_provider.models import Application
from oauth2_provider.settings import oauth2_settings

from koha.identity import api_keys, preferences
from koha.models import ApiKey
from payments import exceptions as err
from payments.models import ApiClient, KohaKeyToken
from payments.services.clients import ClientConfigurationError, check_scope

# Koha keys' tokens carry this prefix, which django-oauth-toolkit's tokens (letters and digits)
# never do: authentication tells the two kinds apart without a query.
TOKEN_PREFIX = "kk_"
NAME_LENGTH = ApiClient._meta.get_field("name").max_length


@dataclass(frozen=True)
class IssuedToken:
    access_token: str  # in clear: only in this answer, never stored
    expires_in: int

    @property
    def body(self) -> dict:
        """Koha's success body, exactly (no ``scope``: Koha has none)."""
        return {"access_token": self.access_token, "token_type": "Bearer",
                "expires_in": self.expires_in}


def issue_token(*, grant_type: str | None, client_id: str | None,
                client_secret: str | None) -> IssuedToken | None:
    """A token for a Koha API key, or Koha's refusal (a ``TokenRefused``); None when the
    request is not a Koha key's (see the module's docstring): kohapay's own flow answers it."""
    if client_id and Application.objects.filter(client_id=client_id).exists():
        return None
    key = api_keys.find(client_id) if client_id else None
    enabled = preferences.load().client_credentials
    if key is None and not enabled:
        return None
    client = ApiClient.objects.filter(koha_client_id=key.client_id).first() if key else None
    # Deactivated in kohapay: for kohapay, as good as revoked in Koha.
    usable = key if client is None or client.active else None
    refused = api_keys.refusal(enabled=enabled, grant_type=grant_type, key=usable,
                               secret=client_secret)
    if refused is not None:
        raise err.TOKEN_REFUSALS[refused]()
    return _store_token(client or koha_key_client(key))


def _store_token(client: ApiClient) -> IssuedToken:
    """A new random token; only its SHA-256 is kept. The client's expired tokens go at the same
    time, as Koha drops its own lazily."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    lifetime = oauth2_settings.ACCESS_TOKEN_EXPIRE_SECONDS
    now = timezone.now()
    with transaction.atomic():
        KohaKeyToken.objects.filter(client=client, expires__lte=now).delete()
        KohaKeyToken.objects.create(client=client, token_checksum=token_checksum(token),
                                    expires=now + timedelta(seconds=lifetime))
    return IssuedToken(access_token=token, expires_in=lifetime)


def token_checksum(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def koha_key_client(key: ApiKey) -> ApiClient:
    """The kohapay client of a Koha API key, made on first use: named after the key's
    description, acting as its owner. Two first tokens at once make one row."""
    for _ in range(3):
        client = ApiClient.objects.filter(koha_client_id=key.client_id).first()
        if client is not None:
            if client.staff_patron_id != key.patron_id:  # Koha never changes it; follow if it did
                ApiClient.objects.filter(pk=client.pk).update(staff_patron_id=key.patron_id)
                client.staff_patron_id = key.patron_id
            return client
        try:
            with transaction.atomic():
                return ApiClient.objects.create(name=_free_name(key), koha_client_id=key.client_id,
                                                staff_patron_id=key.patron_id)
        except IntegrityError:  # a concurrent first token (or its name) came first: look again
            continue
    raise ClientConfigurationError(f"Could not record a client for Koha key {key.client_id}.")


def _free_name(key: ApiKey) -> str:
    """"Koha API key: <description>", else with the client_id, else the client_id alone."""
    label = (key.description or "").strip() or key.client_id
    candidates = [f"Koha API key: {label}"[:NAME_LENGTH],
                  f"Koha API key: {label[:40]} ({key.client_id})"[:NAME_LENGTH],
                  f"Koha API key {key.client_id}"[:NAME_LENGTH]]
    taken = set(ApiClient.objects.filter(name__in=candidates).values_list("name", flat=True))
    free = [name for name in candidates if name not in taken]
    return free[0] if free else f"Koha API key {secrets.token_hex(8)}"


@dataclass(frozen=True)
class KeyScope:
    client: ApiClient
    library_ids: list[str]
    register_ids: list[int]
    debit_type_codes: list[str]


def set_key_scope(*, client_id: str, library_ids: list[str], register_ids: list[int],
                  debit_type_codes: list[str]) -> KeyScope:
    """Replace a Koha API key's narrowing (empty lists: no narrowing of that kind). It can only
    narrow: the owner's Koha permissions and libraries still apply to every request."""
    key = _koha_key(client_id)
    check_scope(library_ids=library_ids, register_ids=register_ids,
                debit_type_codes=debit_type_codes)
    with transaction.atomic():
        client = koha_key_client(key)
        client.libraries.set(library_ids)
        client.registers.set(register_ids)
        client.debit_types.set(debit_type_codes)
    return key_scope(client)


def get_key_scope(client_id: str) -> KeyScope | None:
    """The key's narrowing; None while it has no kohapay client yet (no token, no scope)."""
    key = _koha_key(client_id)
    client = ApiClient.objects.filter(koha_client_id=key.client_id).first()
    return key_scope(client) if client is not None else None


def key_scope(client: ApiClient) -> KeyScope:
    return KeyScope(
        client=client,
        library_ids=sorted(client.libraries.values_list("branchcode", flat=True)),
        register_ids=sorted(client.registers.values_list("id", flat=True)),
        debit_type_codes=sorted(client.debit_types.values_list("code", flat=True)),
    )


def _koha_key(client_id: str) -> ApiKey:
    if Application.objects.filter(client_id=client_id).exists():
        raise ClientConfigurationError(
            f"{client_id} is a kohapay API client, not a Koha API key: change its libraries, "
            "registers and debit types in the admin.")
    key = api_keys.find(client_id)
    if key is None or key.client_id != client_id:  # the column ignores case; the command does not
        raise ClientConfigurationError(f"No Koha API key has the client_id {client_id}.")
    return key
