"""kohapay's own tables in core (migrated, in Koha's database like kohapay's other tables): the
rate-limit counters and the links of Koha staff logins to Django users.

Rate limits: one row per scope, identity and fixed window: how many requests that identity made in
that window.
``core.rate_counter`` increments a row and reads the new count back in one atomic
statement; ``core.throttling`` turns the count into a yes or a 429. Rows of ended windows are
deleted by ``manage.py purge_idempotency_keys`` (daily).
"""
from django.conf import settings
from django.db import models


class RateCounter(models.Model):
    """Requests counted for ``ident`` in ``scope`` during the window starting at ``window_start``.

    The primary key *is* (scope, ident, window_start), and there is no AUTO_INCREMENT column on
    purpose: on MariaDB the new count comes back as the statement's "insert id"
    (``LAST_INSERT_ID(hits + 1)``), which an auto-generated id would shadow on the first insert.
    """

    pk = models.CompositePrimaryKey("scope", "ident", "window_start")
    scope = models.CharField(
        max_length=16, help_text="api, token-client, token-ip, login-ip or login-user")
    ident = models.CharField(
        max_length=64, help_text="client-<id>, user-<id>, ip-<address>, or a hash of a client_id",
    )
    window_start = models.DateTimeField(help_text="Start of the fixed window (UTC, aligned)")
    hits = models.PositiveIntegerField(help_text="Requests counted in the window, refused too")

    class Meta:
        db_table = "kohapay_rate_counter"

    def __str__(self):
        return f"{self.scope} {self.ident} @ {self.window_start:%Y-%m-%d %H:%M:%S}: {self.hits}"


class KohaStaffLink(models.Model):
    """The Django user that stands for one Koha staff patron on kohapay (``core.staff_login``).

    Made at the patron's first Koha login, so that Django's sessions, CSRF and admin work as for
    any user. The user's password is unusable: Koha's ``borrowers.password`` is the only one, and
    its permissions come from Koha at each login and session re-check, never from Django's
    tables. No foreign key to ``borrowers``: Koha stays free to delete or anonymise the patron
    (the next re-check then ends their sessions).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE,
                                related_name="koha_link")
    borrowernumber = models.IntegerField(unique=True, help_text="Koha borrowers.borrowernumber")
    userid = models.CharField(max_length=75, help_text="Koha userid at the last login")

    class Meta:
        db_table = "kohapay_koha_staff_link"

    def __str__(self):
        return f"{self.userid} (Koha patron {self.borrowernumber})"
