"""A Koha API key as an identity (koha-identity.md §1): Koha's answer to a token request for it,
and what its owner may do once a token is issued.

Koha's token endpoint (``Koha::REST::V1::OAuth::token``, ``Koha::OAuth``'s client check) asks, in
this order: is the grant ``client_credentials`` and ``RESTOAuth2ClientCredentials`` on (else 400
"Unimplemented grant type"), is there an *active* key with this client_id (else 403
``unauthorized_client``), does the secret match its bcrypt hash (else 403 ``access_denied``).
When a token is used, Koha acts as the key's owner (``api_keys.patron_id``) with the owner's
permissions and libraries — but it never looks at the key again, so a revoked key's tokens live
on for up to an hour there. kohapay re-reads the key and the owner on every request.
"""
from __future__ import annotations

from dataclasses import dataclass

from koha.identity import passwords
from koha.identity.permissions import KohaPermissions
from koha.models import ApiKey

CLIENT_CREDENTIALS = "client_credentials"
# Koha's three refusals, word for word (the ``error`` of its JSON body).
UNIMPLEMENTED_GRANT_TYPE = "Unimplemented grant type"
UNAUTHORIZED_CLIENT = "unauthorized_client"
ACCESS_DENIED = "access_denied"


def find(client_id: str) -> ApiKey | None:
    return ApiKey.objects.filter(client_id=client_id).first()


def refusal(*, enabled: bool, grant_type: str | None, key: ApiKey | None,
            secret: str | None) -> str | None:
    """Koha's answer to a token request for ``key`` (None: no such key), or None to issue a
    token. ``enabled``: the ``RESTOAuth2ClientCredentials`` preference. A secret stored in clear
    (Koha before 21.11 hashed none) never matches: such a key must be re-made in Koha."""
    if grant_type != CLIENT_CREDENTIALS or not enabled:
        return UNIMPLEMENTED_GRANT_TYPE
    if key is None or not key.active:
        return UNAUTHORIZED_CLIENT
    if not passwords.matches(secret or "", key.secret):
        return ACCESS_DENIED
    return None


@dataclass(frozen=True)
class KeyOwner:
    """The staff patron a Koha API key acts as (``api_keys.patron_id``), as read with its token:
    the ``manager_id`` of what it records."""

    borrowernumber: int
    userid: str | None  # Koha finds permissions by userid: none, no permissions
    home_library: str
    permissions: KohaPermissions

    def libraries(self, *, independent_branches: bool) -> frozenset[str] | None:
        """Where Koha lets the owner act (``can_log_into`` for every library at once): None,
        any library, unless ``IndependentBranches``; then the home library only, unless
        superlibrarian."""
        if not independent_branches or self.permissions.superlibrarian:
            return None
        return frozenset({self.home_library})
