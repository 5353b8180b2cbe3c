"""kohapay's record of the Koha lines a refund wrote (migrated, in Koha's database, written in
the refund's own transaction). Like the Intake's, its links to Koha rows are foreign keys
*without* database constraints."""
from django.db import models

from koha.fields import MoneyField


class RefundLine(models.Model):
    """One debit a refund gave money back for: Koha's ``reduce`` of ``debit`` made the REFUND
    ``credit``, whose ``payout`` is the PAYOUT debit ``payout`` (the line on the register).

    Koha links the refund to the debit (a zero APPLY offset) but not to the payment that paid
    it; this row does, through its ``refund`` (an Intake of kind ``refund`` whose ``payment`` is
    the refunded credit). So "how much of this payment is refunded already", per debit, is a sum
    of these rows — the figure that keeps refunds within what the payment paid."""

    refund = models.ForeignKey("payments.Intake", models.PROTECT, related_name="lines")
    debit = models.ForeignKey(
        "koha.AccountLine", models.DO_NOTHING, db_constraint=False, related_name="+",
        help_text="The refunded debit (accountlines_id): the charge or the sold item.")
    credit = models.ForeignKey(
        "koha.AccountLine", models.DO_NOTHING, db_constraint=False, related_name="+",
        help_text="The REFUND credit reduce made (accountlines_id).")
    payout = models.ForeignKey(
        "koha.AccountLine", models.DO_NOTHING, db_constraint=False, related_name="+",
        help_text="The PAYOUT debit that paid the refund out, on the register (accountlines_id).")
    amount = MoneyField(help_text="The money refunded for this debit (positive).")

    class Meta:
        db_table = "kohapay_refund_line"  # each link is indexed (a foreign key's own index)

    def __str__(self):
        return f"refund {self.refund_id}: debit {self.debit_id} → payout {self.payout_id}"
