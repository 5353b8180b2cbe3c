"""kohapay's record of a cashup it wrote: what was counted, what the session expected, the
differences and the note — beside Koha's CASHUP action, which in classic Koha has no place for
them. Written in the cashup's own transaction; linked to Koha's rows without database
constraints (Koha stays free to delete its own rows)."""
from django.conf import settings
from django.db import models

from koha.fields import MoneyField


class CashupReconciliation(models.Model):
    """One cashup recorded through kohapay (the dashboard or the API)."""

    class Flavour(models.TextChoices):
        CLASSIC = "classic", "classic Koha (counts kept by kohapay)"
        RECONCILING = "reconciling", "Koha with reconciliation (surplus and deficit lines)"

    action = models.OneToOneField(
        "koha.CashRegisterAction", models.DO_NOTHING, db_constraint=False, related_name="+",
        help_text="Koha's CASHUP row (cash_register_actions.id, the API's cashup_id).",
    )
    start_action = models.ForeignKey(
        "koha.CashRegisterAction", models.DO_NOTHING, db_constraint=False, null=True,
        blank=True, related_name="+",
        help_text="The CASHUP_START this cashup completed (two-phase cashups only).",
    )
    register = models.ForeignKey("koha.CashRegister", models.DO_NOTHING, db_constraint=False,
                                 related_name="+")
    flavour = models.CharField(max_length=16, choices=Flavour.choices)
    session_start = models.DateTimeField(
        null=True, blank=True, help_text="Lines dated strictly after this belonged to the "
                                         "session (none: every line of the register).")
    session_end = models.DateTimeField(help_text="The last instant of the session closed.")
    note = models.TextField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The dashboard user who cashed up (none: through the API).",
    )
    client = models.ForeignKey(
        "payments.ApiClient", models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The API client that cashed up (none: on the dashboard).",
    )
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)
    request_hash = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "kohapay_cashup"
        constraints = [
            models.UniqueConstraint(fields=["client", "idempotency_key"],
                                    name="kohapay_cashup_unique_key"),
        ]

    def __str__(self):
        return f"cashup {self.action_id} of register {self.register_id}"


class CashupCount(models.Model):
    """One counted payment type of a cashup. ``expected``: the session's money in of that type
    (−SUM(amount) of its lines, as Koha computes it); ``difference`` = counted − expected
    (positive: surplus). ``line`` is Koha's CASHUP_SURPLUS/CASHUP_DEFICIT line for it, when
    Koha has the types and there was a difference."""

    cashup = models.ForeignKey(CashupReconciliation, models.CASCADE, related_name="counts")
    payment_type = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(help_text="Order in CashupPaymentTypes.")
    expected = MoneyField()
    counted = MoneyField()
    difference = MoneyField()
    line = models.ForeignKey("koha.AccountLine", models.DO_NOTHING, db_constraint=False,
                             null=True, blank=True, related_name="+")

    class Meta:
        db_table = "kohapay_cashup_count"
        ordering = ["cashup", "position"]
        constraints = [
            models.UniqueConstraint(fields=["cashup", "payment_type"],
                                    name="kohapay_cashup_count_unique_type"),
        ]

    def __str__(self):
        return f"{self.payment_type}: counted {self.counted}, expected {self.expected}"
