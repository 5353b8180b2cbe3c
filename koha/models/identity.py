"""Koha's identity tables kohapay reads: API keys and the permission model (``userflags``,
``permissions``, ``user_permissions``). kohapay never writes any of them; ``koha.identity``
interprets them as Koha does."""
from django.db import models


class ApiKey(models.Model):
    """Koha table ``api_keys``: a client id and a bcrypt-hashed secret a librarian made in Koha
    for a patron (the key's owner, who acts when the key is used). ``active`` 0: revoked."""

    client_id = models.CharField(max_length=191, primary_key=True)
    secret = models.CharField(max_length=191, unique=True)
    description = models.CharField(max_length=255)
    patron = models.ForeignKey("koha.Patron", models.DO_NOTHING, related_name="+")
    active = models.BooleanField(default=True)

    class Meta:
        managed = False
        db_table = "api_keys"

    def __str__(self):
        return self.description or self.client_id


class UserFlag(models.Model):
    """Koha table ``userflags``: one permission module per bit of ``borrowers.flags``
    (0 superlibrarian … 25 cash_management …); ``defaulton`` grants the module to everyone."""

    bit = models.IntegerField(primary_key=True)
    flag = models.CharField(max_length=30, null=True, blank=True)
    flagdesc = models.CharField(max_length=255, null=True, blank=True)
    defaulton = models.IntegerField(null=True, blank=True)

    class Meta:
        managed = False
        db_table = "userflags"

    def __str__(self):
        return self.flag or str(self.bit)


class PermissionCode(models.Model):
    """Koha table ``permissions``: the sub-permissions of a module (``cash_management: cashup``)."""

    pk = models.CompositePrimaryKey("module_bit", "code")
    module_bit = models.IntegerField()
    code = models.CharField(max_length=64)
    description = models.CharField(max_length=255, null=True, blank=True)

    class Meta:
        managed = False
        db_table = "permissions"


class UserPermission(models.Model):
    """Koha table ``user_permissions``: a sub-permission granted to one patron."""

    pk = models.CompositePrimaryKey("borrowernumber", "module_bit", "code")
    borrowernumber = models.IntegerField()
    module_bit = models.IntegerField()
    code = models.CharField(max_length=64)

    class Meta:
        managed = False
        db_table = "user_permissions"
