"""kohapay's own journal records (managed, migrated; in Koha's database, never Koha's tables).

- ``Mapping``: one Koha code (a debit type, a credit type, a payment type, a library) → the
  finance office's account code, cost centre and VAT rate.
- ``JournalSettings``: one row (id 1): the defaults for what is not mapped, the VAT account and
  the fixed layout. It is also the lock every posting takes.
- ``MappingChange``: every change of either, who and when, old → new. Its id is the *mapping
  version*: the version of the mappings is the id of the newest change (0 before any).
- ``Posting``: an export marked "posted", with the journal lines as they were posted
  (``PostedLine``) and what each register line contributed to it (``PostedFact``).
"""
from django.conf import settings
from django.db import models

from koha.fields import MoneyField

DEBIT_TYPE, CREDIT_TYPE, PAYMENT_TYPE, LIBRARY = "debit_type", "credit_type", "payment_type", "library"
SETTINGS = "settings"
MAPPING_KINDS = [
    (DEBIT_TYPE, "Debit type (income)"),
    (CREDIT_TYPE, "Credit type (money not applied to a debit)"),
    (PAYMENT_TYPE, "Payment type (bank or clearing account)"),
    (LIBRARY, "Library (cost centre override)"),
]


class Mapping(models.Model):
    kind = models.CharField(max_length=16, choices=MAPPING_KINDS)
    code = models.CharField(
        max_length=80, blank=True,
        help_text="Koha's code: account_debit_types.code, account_credit_types.code, a "
                  "PAYMENT_TYPE authorised value ('' for lines without one), branches.branchcode.")
    account = models.CharField(max_length=40, blank=True)
    cost_centre = models.CharField(max_length=40, blank=True)
    vat_rate = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True,
        help_text="Percent, 0–100, of a debit type; prices are VAT-inclusive as Koha stores them.")
    vat_code = models.CharField(max_length=20, blank=True)

    class Meta:
        db_table = "kohapay_journal_mapping"
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="journal_mapping_kind_code")]
        ordering = ["kind", "code"]

    def __str__(self):
        return f"{self.kind} {self.code or '(none)'} → {self.account or self.cost_centre}"


class JournalSettings(models.Model):
    default_income_account = models.CharField(max_length=40, default="9999")
    default_clearing_account = models.CharField(max_length=40, default="1999")
    default_cost_centre = models.CharField(max_length=40, blank=True, default="")
    vat_account = models.CharField(max_length=40, default="2200")
    reference_prefix = models.CharField(max_length=20, default="KP")
    layout_columns = models.CharField(
        max_length=400, default="date,account,cost_centre,debit,credit,vat_code,reference",
        help_text="The fixed layout's columns in order, comma-separated; name:width pads or "
                  "cuts a column to that width.")
    layout_separator = models.CharField(max_length=5, blank=True, default=";",
                                        help_text="Between columns; \\t for a tab; empty for "
                                                  "fixed widths only.")
    layout_header = models.BooleanField(default=False)

    class Meta:
        db_table = "kohapay_journal_settings"
        verbose_name_plural = "journal settings"

    def __str__(self):
        return "journal settings"


class MappingChange(models.Model):
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    changed_by_name = models.CharField(max_length=150)
    kind = models.CharField(max_length=16)
    code = models.CharField(max_length=80, blank=True)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)

    class Meta:
        db_table = "kohapay_journal_mapping_change"
        ordering = ["-id"]


class Posting(models.Model):
    posted_at = models.DateTimeField(auto_now_add=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                  blank=True, related_name="+")
    posted_by_name = models.CharField(max_length=150)
    mapping_version = models.IntegerField()
    first_day = models.DateField(null=True, blank=True)
    last_day = models.DateField(null=True, blank=True)
    cashup_id = models.IntegerField(null=True, blank=True,
                                    help_text="cash_register_actions.id of a cashup's journal")
    libraries = models.TextField(blank=True,
                                 help_text="The libraries the poster could see ('' = all).")
    digest = models.CharField(max_length=64)
    total = MoneyField(help_text="Sum of the debit column (equal to the credit column's).")
    line_count = models.IntegerField()

    class Meta:
        db_table = "kohapay_journal_posting"
        ordering = ["-id"]


class PostedLine(models.Model):
    posting = models.ForeignKey(Posting, models.CASCADE, related_name="lines")
    position = models.IntegerField()
    date = models.DateField()
    library = models.CharField(max_length=10)
    cost_centre = models.CharField(max_length=40, blank=True)
    account = models.CharField(max_length=40)
    description = models.TextField()  # carries a Koha type's description (up to 200 characters)
    debit = MoneyField()
    credit = MoneyField()
    vat_code = models.CharField(max_length=20, blank=True)
    reference = models.CharField(max_length=60)

    class Meta:
        db_table = "kohapay_journal_posted_line"
        ordering = ["posting", "position"]


class PostedFact(models.Model):
    """What one register line had contributed when it was posted (no foreign key: Koha stays
    free to delete the line; what was posted stays posted)."""

    posting = models.ForeignKey(Posting, models.CASCADE, related_name="facts")
    accountlines_id = models.IntegerField()
    register_id = models.IntegerField()
    day = models.DateField(help_text="The line's local day")
    library = models.CharField(max_length=10)
    payment_type = models.CharField(max_length=80, blank=True)
    flow = models.CharField(max_length=3)
    kind = models.CharField(max_length=16)
    code = models.CharField(max_length=80, blank=True)
    amount = MoneyField()

    class Meta:
        db_table = "kohapay_journal_posted_fact"
        indexes = [
            models.Index(fields=["register_id", "day"], name="journal_fact_register_day"),
            models.Index(fields=["accountlines_id"], name="journal_fact_line"),
        ]
