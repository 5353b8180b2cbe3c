"""What a Koha API key may do: its owner's Koha permissions, checked on every request against the
requirement the view names — Koha's own for the same operation (``koha.identity.permissions``:
``RECORD_PAYMENT`` for intakes, ``SELL`` for sales, ``REFUND`` and ``ANONYMOUS_REFUND`` for the
refunds of a patron's payment and of a sale; ``CASHUP`` for the operations to come).

kohapay's own clients are not Koha identities: their scope (libraries, registers, debit types)
is their authorization, as before. A view that names no requirement is closed to Koha keys, so a
new endpoint cannot open to them by omission.
"""
from rest_framework.permissions import BasePermission

from payments.exceptions import MissingPermission

NOT_FOR_KOHA_KEYS = "This operation is not open to Koha API keys."


class HoldsKohaPermission(BasePermission):
    """For a Koha API key: its owner holds the view's ``koha_permission`` in Koha (a
    requirement as Koha's routes write it, e.g. ``{"updatecharges": "remaining_permissions"}``)."""

    message = NOT_FOR_KOHA_KEYS

    def has_permission(self, request, view):
        owner = getattr(request.user, "owner", None)
        if owner is None:
            return True
        required = getattr(view, "koha_permission", None)
        if required is None:
            return False
        if not owner.permissions.allows(required):
            raise MissingPermission(required)
        return True
