"""kohapay's tokens for Koha API keys (kohapay's own clients' tokens are django-oauth-toolkit's)."""
from django.db import models


class KohaKeyToken(models.Model):
    """An access token issued to a Koha API key. Only its SHA-256 is stored: the table leaks no
    usable token. Never Koha's ``oauth_access_tokens``, where a row would open Koha's whole API."""

    client = models.ForeignKey("payments.ApiClient", models.CASCADE, related_name="+")
    token_checksum = models.CharField(max_length=64, unique=True,
                                      help_text="SHA-256 of the token, hex.")
    expires = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "kohapay_koha_key_token"

    def __str__(self):
        return f"token {self.pk} of client {self.client_id}"
