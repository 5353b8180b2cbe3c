"""A device's own end-of-day totals (a kiosk's or card gateway's settlement), reported through
``POST /cash_registers/{id}/settlements``, to compare with what the register recorded that local
day. kohapay's own tables; no Koha row is written."""
from django.db import models

from koha.fields import MoneyField


class Settlement(models.Model):
    """One report of one source (the API client) for one register and local day. A later report
    for the same source, register and day replaces it: ``replaced_by`` is then set, and the
    history stays."""

    client = models.ForeignKey("payments.ApiClient", models.PROTECT, related_name="+")
    register = models.ForeignKey("koha.CashRegister", models.DO_NOTHING, db_constraint=False,
                                 related_name="+")
    day = models.DateField(help_text="The local day (KOHA_TIME_ZONE) the totals are for.")
    external_id = models.CharField(max_length=100, null=True, blank=True,
                                   help_text="The device's own batch reference.")
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)
    request_hash = models.CharField(max_length=64)
    replaced_by = models.ForeignKey("self", models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "kohapay_settlement"
        indexes = [models.Index(fields=["register", "day"], name="kohapay_settlement_day")]
        constraints = [
            models.UniqueConstraint(fields=["client", "idempotency_key"],
                                    name="kohapay_settlement_unique_key"),
            models.UniqueConstraint(fields=["client", "external_id"],
                                    name="kohapay_settlement_unique_external_id"),
        ]

    def __str__(self):
        return f"settlement {self.pk}: register {self.register_id} on {self.day}"


class SettlementTotal(models.Model):
    """The device's total of one payment type that day: money in, payouts deducted."""

    settlement = models.ForeignKey(Settlement, models.CASCADE, related_name="totals")
    payment_type = models.CharField(max_length=80)
    amount = MoneyField()
    count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        db_table = "kohapay_settlement_total"
        ordering = ["settlement", "payment_type"]
        constraints = [models.UniqueConstraint(fields=["settlement", "payment_type"],
                                               name="kohapay_settlement_total_unique_type")]
