"""Discovery for kiosks (issue 15): the registers, debit types and payment types a client may use
and what a patron owes, in Koha's shapes — ``views`` (routes and each one's Koha requirement),
``scope`` (the client's scope, the intake's own rule), ``selectors`` (the reads), ``responses``
(Koha's shapes), ``openapi`` (their description)."""
from payments.discovery.views import (
    CashRegistersView,
    DebitTypesView,
    PatronAccountView,
    PaymentTypesView,
)

__all__ = ["CashRegistersView", "DebitTypesView", "PatronAccountView", "PaymentTypesView"]
