"""kohapay's rate-limit counters (migrated, in Koha's database like kohapay's other tables).

One row per scope, identity and fixed window: how many requests that identity made in that window.
``core.rate_counter`` increments a row and reads the new count back in one atomic
statement; ``core.throttling`` turns the count into a yes or a 429. Rows of ended windows are
deleted by ``manage.py purge_idempotency_keys`` (daily).
"""
from django.db import models


class RateCounter(models.Model):
    """Requests counted for ``ident`` in ``scope`` during the window starting at ``window_start``.

    The primary key *is* (scope, ident, window_start), and there is no AUTO_INCREMENT column on
    purpose: on MariaDB the new count comes back as the statement's "insert id"
    (``LAST_INSERT_ID(hits + 1)``), which an auto-generated id would shadow on the first insert.
    """

    pk = models.CompositePrimaryKey("scope", "ident", "window_start")
    scope = models.CharField(max_length=16, help_text="api, token-client or token-ip")
    ident = models.CharField(
        max_length=64, help_text="client-<id>, user-<id>, ip-<address>, or a hash of a client_id",
    )
    window_start = models.DateTimeField(help_text="Start of the fixed window (UTC, aligned)")
    hits = models.PositiveIntegerField(help_text="Requests counted in the window, refused too")

    class Meta:
        db_table = "kohapay_rate_counter"

    def __str__(self):
        return f"{self.scope} {self.ident} @ {self.window_start:%Y-%m-%d %H:%M:%S}: {self.hits}"
