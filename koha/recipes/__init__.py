"""Koha's row recipes: the rows Koha's own code writes for one operation, as unsaved model
instances. The caller writes them — the intake one payment inside its transaction, the demo
thousands at a time — so a recipe never touches the database.

- ``charge_and_pay``: ``Koha::Account->add_debit`` followed by ``pay`` of that debit (spec §3.6);
- ``pay``: ``Koha::Account->pay`` of debits the patron already owes (spec §3.3–3.5), and
  ``circulation_effects``: what its ``apply`` would do to circulation beyond the ledger;
- ``sale``: a point-of-sale sale without a patron, ``Koha::Charges::Sales::purchase`` (§7.2);
- ``refund``: the refund of a paid charge, ``Line::reduce`` (REFUND) then ``Line::payout``;
- ``credits``: the PAYMENT credit both share (``add_credit``: the line, its ``statistics`` row,
  its FINES log).

``docs/koha-rows.md`` names the Koha code each follows.
"""
from koha.recipes.charge_and_pay import ChargeAndPay, ChargeAndPayRows, charge_and_pay
from koha.recipes.pay import (
    RENEW,
    RETURN_LOST,
    Circulation,
    CirculationEffect,
    Owed,
    Payment,
    PaymentRows,
    circulation_effects,
    pay,
)
from koha.recipes.refund import (
    PAID,
    REFUNDED,
    CannotRefund,
    Refund,
    Refunded,
    RefundRows,
    refund,
)
from koha.recipes.sale import Sale, SaleItem, SaleRows, sale

__all__ = ["PAID", "REFUNDED", "RENEW", "RETURN_LOST", "CannotRefund", "ChargeAndPay",
           "ChargeAndPayRows", "Circulation", "CirculationEffect", "Owed", "Payment",
           "PaymentRows", "Refund", "RefundRows", "Refunded", "Sale", "SaleItem", "SaleRows",
           "charge_and_pay", "circulation_effects", "pay", "refund", "sale"]
