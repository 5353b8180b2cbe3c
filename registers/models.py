"""kohapay's own dashboard records: the per-user library restriction and the ledger scan's state
(Koha's libraries and registers are in ``koha.models``)."""
from django.conf import settings
from django.db import models

from koha.models import Library

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
