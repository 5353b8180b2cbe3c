"""The token endpoint, ``POST /api/v1/oauth/token``: django-oauth-toolkit's client-credentials
flow (as Koha's own API), restricted to active kohapay clients, with errors in Koha's shape."""
import json

from django.http import JsonResponse
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import TokenView

from payments.models import ApiClient

# oauthlib's error codes (RFC 6749 §5.2) → the sentence a kiosk developer reads.
TOKEN_ERRORS = {
    "invalid_client": "Client authentication failed: unknown client_id, wrong client_secret or "
                      "inactive client.",
    "invalid_request": "The token request is malformed: send grant_type=client_credentials, "
                       "client_id and client_secret form-encoded.",
    "unsupported_grant_type": "Only grant_type=client_credentials is supported.",
    "unauthorized_client": "This client may not use this grant type.",
    "invalid_grant": "The grant is invalid.",
    "invalid_scope": "The requested scope is not available; omit scope or ask for 'payments'.",
}


class ApiClientOAuth2Validator(OAuth2Validator):
    """Issues tokens only to applications that belong to an *active* kohapay API client, so an
    application created by hand in the toolkit's admin, or a deactivated client, gets none."""

    def authenticate_client(self, request, *args, **kwargs):
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        return ApiClient.objects.filter(application_id=request.client.pk, active=True).exists()


class KohaTokenView(TokenView):
    """The toolkit's token view; failures come out as ``{"error", "error_code"}``."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if response.status_code < 400:
            return response
        try:
            code = json.loads(response.content).get("error") or "invalid_request"
        except (ValueError, AttributeError):
            code = "invalid_request"
        koha = JsonResponse(
            {"error": TOKEN_ERRORS.get(code, "The token request was refused."), "error_code": code},
            status=response.status_code,
        )
        for header in ("WWW-Authenticate", "Cache-Control", "Pragma"):
            if header in response:
                koha[header] = response[header]
        return koha

    def http_method_not_allowed(self, request, *args, **kwargs):
        response = JsonResponse(
            {"error": "Use POST to ask for a token.", "error_code": "method_not_allowed"},
            status=405,
        )
        response["Allow"] = "POST"
        return response
