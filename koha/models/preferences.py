"""Koha's configuration tables kohapay reads: system preferences and authorised values
(``PAYMENT_TYPE``), with their library limits."""
from django.db import models


class AuthorisedValueCategory(models.Model):
    """Koha table ``authorised_value_categories``; PAYMENT_TYPE must exist before its values."""

    category_name = models.CharField(max_length=32, primary_key=True)
    is_system = models.BooleanField(default=False, null=True)

    class Meta:
        managed = False
        db_table = "authorised_value_categories"


class AuthorisedValue(models.Model):
    """Koha table ``authorised_values``; kohapay reads the ``PAYMENT_TYPE`` category
    (CASH, SIP00, …) whose ``lib`` is the staff label."""

    id = models.AutoField(primary_key=True)
    category = models.CharField(max_length=32, default="")
    authorised_value = models.CharField(max_length=80, default="")
    lib = models.CharField(max_length=200, null=True, blank=True)
    lib_opac = models.CharField(max_length=200, null=True, blank=True)
    imageurl = models.CharField(max_length=200, null=True, blank=True)

    class Meta:
        managed = False
        db_table = "authorised_values"

    def __str__(self):
        return f"{self.category}:{self.authorised_value}"


class AuthorisedValueLibrary(models.Model):
    """Koha table ``authorised_values_branches`` (library limits of authorised values)."""

    pk = models.CompositePrimaryKey("av_id", "branchcode")
    av_id = models.IntegerField()
    branchcode = models.CharField(max_length=10)

    class Meta:
        managed = False
        db_table = "authorised_values_branches"


class SystemPreference(models.Model):
    """Koha table ``systempreferences``; booleans are the strings '0'/'1'."""

    variable = models.CharField(max_length=50, primary_key=True)
    value = models.TextField(null=True, blank=True)
    options = models.TextField(null=True, blank=True)
    explanation = models.TextField(null=True, blank=True)
    type = models.CharField(max_length=20, null=True, blank=True)

    class Meta:
        managed = False
        db_table = "systempreferences"

    def __str__(self):
        return self.variable
