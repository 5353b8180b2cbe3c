"""Koha's patron-accounting tables, mapped read/write but never managed by Django.

Koha owns these tables (see ``docs/koha-accounting.md`` in the shared spec): kohapay never creates,
alters or migrates them in a real Koha database. Each model names the table it borrows; columns,
nullability and defaults follow Koha 23.05+. Columns Koha added later (``old_issue_id``,
``reserve_id`` …) are deliberately not mapped: they are NULL-able, so Koha's defaults apply and the
same build works on older and newer Koha.

Money is ``DecimalField`` everywhere (``decimal(28,6)``; offsets ``decimal(26,6)``).
Foreign keys use ``DO_NOTHING``: the database (Koha's constraints) decides what a delete does.
"""
from django.db import models
from django.db.models.functions import Now

from koha.fields import DoubleAsDecimalField, KohaLocalDateTimeField, MoneyField
from koha.models.patrons import Patron


class DebitType(models.Model):
    """Koha table ``account_debit_types``: what a charge is for (PRINT, LOST, MANUAL…)."""

    code = models.CharField(max_length=80, primary_key=True)
    description = models.CharField(max_length=200, null=True, blank=True)
    can_be_invoiced = models.BooleanField(default=True)
    can_be_sold = models.BooleanField(default=False)
    default_amount = MoneyField(null=True, blank=True)
    is_system = models.BooleanField(default=False)
    archived = models.BooleanField(default=False)
    restricts_checkouts = models.BooleanField(default=True)

    class Meta:
        managed = False
        db_table = "account_debit_types"

    def __str__(self):
        return self.code


class CreditType(models.Model):
    """Koha table ``account_credit_types``: what a credit is (PAYMENT, WRITEOFF, PURCHASE…)."""

    code = models.CharField(max_length=80, primary_key=True)
    description = models.CharField(max_length=200, null=True, blank=True)
    can_be_added_manually = models.BooleanField(default=True)
    credit_number_enabled = models.BooleanField(default=False)
    is_system = models.BooleanField(default=False)
    archived = models.BooleanField(default=False)

    class Meta:
        managed = False
        db_table = "account_credit_types"

    def __str__(self):
        return self.code


class DebitTypeLibrary(models.Model):
    """Koha table ``account_debit_types_branches`` ("library limits"): a debit type with no row
    here is available everywhere; with rows, only at the listed libraries. The table has no
    primary key; the pair of columns identifies a row."""

    pk = models.CompositePrimaryKey("debit_type_code", "branchcode")
    debit_type_code = models.CharField(max_length=80)
    branchcode = models.CharField(max_length=10)

    class Meta:
        managed = False
        db_table = "account_debit_types_branches"


class CreditTypeLibrary(models.Model):
    """Koha table ``account_credit_types_branches`` (library limits of credit types)."""

    pk = models.CompositePrimaryKey("credit_type_code", "branchcode")
    credit_type_code = models.CharField(max_length=80)
    branchcode = models.CharField(max_length=10)

    class Meta:
        managed = False
        db_table = "account_credit_types_branches"


class AccountLine(models.Model):
    """Koha table ``accountlines``: one row per debit (amount > 0) or credit (amount < 0).

    ``amountoutstanding`` runs from ``amount`` to 0. ``register_id`` is set on money that moves
    through a till: the payment credit, a PAYOUT debit — never on an ordinary charge.
    ``date`` is the business time (set once, on insert); ``timestamp`` is maintained by MariaDB
    (``ON UPDATE current_timestamp()``), so kohapay never writes it.
    """

    accountlines_id = models.AutoField(primary_key=True)
    issue_id = models.IntegerField(null=True, blank=True, help_text="issues.issue_id (not mapped)")
    patron = models.ForeignKey(
        Patron, models.DO_NOTHING, db_column="borrowernumber", null=True, blank=True,
        related_name="accountlines",
    )
    itemnumber = models.IntegerField(null=True, blank=True, help_text="items.itemnumber (not mapped)")
    date = models.DateTimeField(null=True, blank=True)
    amount = MoneyField(null=True, blank=True)
    description = models.TextField(null=True, blank=True)
    credit_type = models.ForeignKey(
        CreditType, models.DO_NOTHING, db_column="credit_type_code", null=True, blank=True,
        related_name="+",
    )
    debit_type = models.ForeignKey(
        DebitType, models.DO_NOTHING, db_column="debit_type_code", null=True, blank=True,
        related_name="+",
    )
    credit_number = models.CharField(max_length=20, null=True, blank=True)
    status = models.CharField(max_length=16, null=True, blank=True)
    payment_type = models.CharField(
        max_length=80, null=True, blank=True, help_text="PAYMENT_TYPE authorised value (no FK)"
    )
    amountoutstanding = MoneyField(null=True, blank=True)
    timestamp = models.DateTimeField(db_default=Now(), editable=False)
    note = models.TextField(null=True, blank=True)
    manager = models.ForeignKey(
        Patron, models.DO_NOTHING, db_column="manager_id", null=True, blank=True, related_name="+"
    )
    register = models.ForeignKey(
        "koha.CashRegister", models.DO_NOTHING, db_column="register_id", null=True,
        blank=True, related_name="accountlines",
    )
    interface = models.CharField(max_length=16)
    library = models.ForeignKey(
        "koha.Library", models.DO_NOTHING, db_column="branchcode", null=True, blank=True,
        related_name="+",
    )

    class Meta:
        managed = False
        db_table = "accountlines"

    def __str__(self):
        kind = self.credit_type_id or self.debit_type_id
        return f"#{self.accountlines_id} {kind} {self.amount}"


class AccountOffset(models.Model):
    """Koha table ``account_offsets``: CREATE rows record a line's birth; APPLY rows move money
    from a credit to a debit (amount is minus the sum moved)."""

    class Type(models.TextChoices):
        CREATE = "CREATE"
        APPLY = "APPLY"
        VOID = "VOID"
        OVERDUE_INCREASE = "OVERDUE_INCREASE"
        OVERDUE_DECREASE = "OVERDUE_DECREASE"

    id = models.AutoField(primary_key=True)
    credit = models.ForeignKey(
        AccountLine, models.DO_NOTHING, db_column="credit_id", null=True, blank=True,
        related_name="credit_offsets",
    )
    debit = models.ForeignKey(
        AccountLine, models.DO_NOTHING, db_column="debit_id", null=True, blank=True,
        related_name="debit_offsets",
    )
    type = models.CharField(max_length=16, choices=Type.choices)
    amount = models.DecimalField(max_digits=26, decimal_places=6)
    created_on = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        managed = False
        db_table = "account_offsets"


class Statistic(models.Model):
    """Koha table ``statistics`` (one ``payment`` row per PAYMENT credit). The table has no
    primary key; these columns stand in for one. kohapay only ever inserts here."""

    pk = models.CompositePrimaryKey("datetime", "borrowernumber", "type", "value")
    # Nullable in Koha; Django refuses NULL-able members of a composite key.
    datetime = KohaLocalDateTimeField(help_text="Koha's local wall-clock time (a datetime column)")
    branch = models.CharField(max_length=10, null=True)
    value = DoubleAsDecimalField(max_digits=16, decimal_places=4, help_text="double(16,4)")
    type = models.CharField(max_length=16)
    other = models.TextField(null=True)
    itemnumber = models.IntegerField(null=True)
    itemtype = models.CharField(max_length=10, null=True)
    location = models.CharField(max_length=80, null=True)
    borrowernumber = models.IntegerField()
    ccode = models.CharField(max_length=80, null=True)
    categorycode = models.CharField(max_length=10, null=True)
    interface = models.CharField(max_length=30, null=True)

    class Meta:
        managed = False
        db_table = "statistics"


class ActionLog(models.Model):
    """Koha table ``action_logs``; with ``FinesLog`` on, one FINES/CREATE row per line created,
    ``info`` being a Perl Data::Dumper text."""

    action_id = models.AutoField(primary_key=True)
    timestamp = models.DateTimeField(db_default=Now(), editable=False)
    user = models.IntegerField(default=0)
    module = models.TextField(null=True)
    action = models.TextField(null=True)
    object = models.IntegerField(null=True)
    info = models.TextField(null=True)
    interface = models.CharField(max_length=30, null=True)
    script = models.CharField(max_length=255, null=True)
    trace = models.TextField(null=True)

    class Meta:
        managed = False
        db_table = "action_logs"
