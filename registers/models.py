"""Koha's libraries and cash registers (unmanaged: Koha owns these tables), and kohapay's
per-user library restriction of the dashboard (managed)."""
from django.conf import settings
from django.db import models
from django.db.models.functions import Now

from payments.models.koha import MONEY


class Library(models.Model):
    """Koha table ``branches`` (subset): a library, identified by its ``branchcode``."""

    branchcode = models.CharField(max_length=10, primary_key=True)
    branchname = models.TextField()

    class Meta:
        managed = False
        db_table = "branches"
        verbose_name_plural = "libraries"

    def __str__(self):
        return f"{self.branchname} ({self.branchcode})"


class CashRegister(models.Model):
    """Koha table ``cash_registers``: a till belonging to one library. Archived registers are
    not offered for new transactions but keep their history."""

    id = models.AutoField(primary_key=True)
    name = models.CharField(max_length=24)
    description = models.TextField()
    library = models.ForeignKey(
        Library, models.DO_NOTHING, db_column="branch", related_name="cash_registers"
    )
    branch_default = models.BooleanField(default=False)
    starting_float = models.DecimalField(**MONEY, null=True, blank=True)
    archived = models.BooleanField(default=False)

    class Meta:
        managed = False
        db_table = "cash_registers"

    def __str__(self):
        return f"{self.name} ({self.library_id})"


class CashRegisterAction(models.Model):
    """Koha table ``cash_register_actions``: CASHUP (and, in newer Koha, CASHUP_START) events.
    The sign of ``amount`` differs between Koha versions; recompute totals from accountlines."""

    id = models.AutoField(primary_key=True)
    code = models.CharField(max_length=24)
    register = models.ForeignKey(
        CashRegister, models.DO_NOTHING, db_column="register_id", related_name="actions"
    )
    manager = models.ForeignKey(
        "payments.Patron", models.DO_NOTHING, db_column="manager_id", related_name="+"
    )
    amount = models.DecimalField(**MONEY, null=True, blank=True)
    timestamp = models.DateTimeField(db_default=Now())

    class Meta:
        managed = False
        db_table = "cash_register_actions"


# --- kohapay's own records (managed, migrated) --------------------------------------------------


class LibraryRestriction(models.Model):
    """Limits one dashboard user to some libraries' registers — on every page, export and API.

    A user without a restriction sees every library; a user *with* one sees only the libraries
    listed (none listed means nothing at all, never "everything": a restriction cannot be widened
    by emptying it by mistake).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="library_restriction"
    )
    libraries = models.ManyToManyField(
        Library, db_constraint=False, blank=True, related_name="+",
        help_text="Libraries (branchcodes) whose registers this user may see.",
    )

    class Meta:
        db_table = "kohapay_library_restriction"
        # The one permission the dashboard checks (granted to Finance staff and Auditors).
        permissions = [("view_dashboard", "Can view register figures, transactions and exports")]

    def __str__(self):
        return f"library restriction of {self.user}"


class LedgerScan(models.Model):
    """How far kohapay has looked for lines dated ahead of their last write (one row, id 1).
    See ``registers.recency``: every line written before ``scanned_to`` (less an overlap) has
    been examined, and those dated ahead are in ``DatedAheadLine``."""

    scanned_to = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "kohapay_ledger_scan"


class DatedAheadLine(models.Model):
    """An ``accountlines`` row whose ``date`` lies more than ``recency.SLACK`` after its
    ``timestamp`` (e.g. a credit given a future date through Koha's REST API). No foreign key:
    Koha stays free to delete the line; a stale id only costs a lookup."""

    accountlines_id = models.IntegerField(primary_key=True)

    class Meta:
        db_table = "kohapay_dated_ahead_line"
