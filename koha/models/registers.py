"""Koha's libraries (``branches``) and cash registers with their actions (cashups)."""
from django.db import models
from django.db.models.functions import Now

from koha.fields import MoneyField


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
    starting_float = MoneyField(null=True, blank=True)
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
        "koha.Patron", models.DO_NOTHING, db_column="manager_id", related_name="+"
    )
    amount = MoneyField(null=True, blank=True)
    timestamp = models.DateTimeField(db_default=Now())

    class Meta:
        managed = False
        db_table = "cash_register_actions"
