"""API authentication: OAuth2 Bearer tokens of active API clients (Koha's wire protocol)."""
from dataclasses import dataclass

from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions

from payments.models import ApiClient


@dataclass(frozen=True)
class ClientPrincipal:
    """``request.user`` of an API call: the client, not a Django user."""

    client: ApiClient
    is_authenticated = True
    is_anonymous = False

    def __str__(self):
        return self.client.name


class ApiClientAuthentication(OAuth2Authentication):
    """A valid, unexpired token whose application belongs to an *active* kohapay client.

    Deactivating a client therefore invalidates its tokens at once, without touching them.
    """

    www_authenticate_realm = "kohapay"

    def authenticate(self, request):
        # Hand the toolkit Django's own request: it reads ``request.POST``, and on DRF's request
        # that would parse the body first — a malformed body must not win over a missing token.
        result = super().authenticate(request._request)
        if result is None:
            if request.META.get("HTTP_AUTHORIZATION"):
                raise exceptions.AuthenticationFailed(
                    "The access token is missing, malformed, expired or revoked."
                )
            return None
        _, token = result
        # The join also refuses a client whose staff patron Koha has deleted: it could record
        # nothing (manager_id must be a borrower), so it is treated as inactive.
        client = (
            ApiClient.objects.select_related("staff_patron")
            .filter(application_id=token.application_id, active=True)
            .first()
        )
        if client is None:
            raise exceptions.AuthenticationFailed(
                "This API client is not active (or its staff patron no longer exists in Koha)."
            )
        return ClientPrincipal(client), token
