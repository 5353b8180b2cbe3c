"""Koha table ``borrowers``: patrons, staff included (kohapay reads a subset)."""
from django.db import models


def display_name(firstname: str | None, surname: str | None) -> str:
    """"First Last", leaving out a part Koha does not have: how kohapay names a patron or a
    staff member everywhere (pages, exports, admin)."""
    if firstname and surname:
        return f"{firstname} {surname}"
    return firstname or surname or ""


class Patron(models.Model):
    """Koha table ``borrowers`` (the subset kohapay reads). A patron's balance is not stored:
    it is SUM(``accountlines.amountoutstanding``)."""

    borrowernumber = models.AutoField(primary_key=True)
    cardnumber = models.CharField(max_length=32, null=True, blank=True, unique=True)
    surname = models.TextField(null=True, blank=True)
    firstname = models.TextField(null=True, blank=True)
    library = models.ForeignKey(
        "koha.Library", models.DO_NOTHING, db_column="branchcode", related_name="+"
    )
    categorycode = models.CharField(max_length=10, default="")
    userid = models.CharField(max_length=75, null=True, blank=True, unique=True)
    password = models.CharField(
        max_length=60, null=True, blank=True,
        help_text="Koha's hash: bcrypt $2a$, or a legacy MD5; '!' or NULL: no login")
    flags = models.BigIntegerField(null=True, blank=True, help_text="Koha permission bit field")
    email = models.TextField(null=True, blank=True)
    lang = models.CharField(max_length=25, default="default")
    login_attempts = models.IntegerField(
        default=0, help_text="Failed logins since the last success; < 0: locked by an administrator")
    password_expiration_date = models.DateField(null=True, blank=True)
    auth_method = models.CharField(
        max_length=10, default="password",
        choices=[("password", "password"), ("two-factor", "two-factor")])

    class Meta:
        managed = False
        db_table = "borrowers"

    def __str__(self):
        name = display_name(self.firstname, self.surname)
        return f"{name or 'Patron'} ({self.cardnumber or self.borrowernumber})"
