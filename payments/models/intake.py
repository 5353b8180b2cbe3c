"""kohapay's own records (migrated, in Koha's database so one transaction covers both).

Links to Koha rows are foreign keys *without* database constraints: kohapay must never stop Koha
from deleting or anonymising its own rows.
"""
from django.db import models

from core.exact_json import ExactJSONDecoder, ExactJSONEncoder


class ApiClient(models.Model):
    """A kiosk, POS terminal or payment gateway allowed to record payments. Two kinds:

    - a **kohapay client** (``application``): OAuth2 client credentials made by kohapay (the
      secret is stored hashed by django-oauth-toolkit); it acts as ``staff_patron`` at its
      ``libraries`` (at least one);
    - a **Koha API key** (``koha_client_id``): the key and its secret live in Koha's ``api_keys``;
      this row is made on its first token (or by ``manage.py api_key_scope``) so that intakes,
      idempotency keys and ``external_id`` belong to it like to any client. It acts as the key's
      owner, at the libraries Koha lets the owner act in; ``libraries``, ``registers`` and
      ``debit_types`` only narrow that (empty ``libraries``: no narrowing).

    Empty ``registers`` / ``debit_types`` mean: all of its libraries' registers / all eligible
    types.
    """

    name = models.CharField(max_length=100, unique=True)
    active = models.BooleanField(default=True, help_text="Inactive clients' tokens are refused.")
    application = models.OneToOneField(
        "oauth2_provider.Application", models.PROTECT, null=True, blank=True,
        related_name="api_client", help_text="A kohapay client's OAuth2 credentials.",
    )
    koha_client_id = models.CharField(
        max_length=191, null=True, blank=True, unique=True,
        help_text="A Koha API key's client_id (Koha table api_keys).",
    )
    staff_patron = models.ForeignKey(
        "koha.Patron", models.DO_NOTHING, db_constraint=False, related_name="+",
        help_text="Koha borrowernumber the client acts as (manager_id of what it records); for "
                  "a Koha API key, the key's owner.",
    )
    libraries = models.ManyToManyField(
        "koha.Library", db_constraint=False, blank=True, related_name="+",
        help_text="Libraries (branchcodes) it may record payments for; for a Koha API key, none "
                  "selected means every library its owner may act in.",
    )
    registers = models.ManyToManyField(
        "koha.CashRegister", db_constraint=False, blank=True, related_name="+",
        help_text="Registers it may use; none selected means every register of its libraries.",
    )
    debit_types = models.ManyToManyField(
        "koha.DebitType", db_constraint=False, blank=True, related_name="+",
        help_text="Debit types it may charge; none selected means every eligible type.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "kohapay_api_client"
        constraints = [
            # Exactly one identity: kohapay's credentials or a Koha key, never both or neither.
            models.CheckConstraint(
                condition=(models.Q(application__isnull=False, koha_client_id__isnull=True)
                           | models.Q(application__isnull=True, koha_client_id__isnull=False)),
                name="kohapay_api_client_one_identity",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_koha_key(self) -> bool:
        return self.koha_client_id is not None


class Intake(models.Model):
    """One write kohapay made into Koha's ledger for a client: the idempotency record and the
    audit link between the client's request and the Koha lines it produced. Written in the same
    transaction as them. One table for every kind, so that an ``Idempotency-Key`` and an
    ``external_id`` are unique per client whatever the kind of request.

    Four kinds:

    - a **charge** (the debit it created and the PAYMENT credit that paid it: ``debit`` and
      ``payment``);
    - a **pay** of debits the patron already owed (``payment`` only; the debits it paid are its
      credit's APPLY offsets, and the stored response lists them);
    - a **sale** without a patron (``patron`` empty; ``payment`` is the PURCHASE credit, the
      sale's id; its item debits are its APPLY offsets and the stored response lists them);
    - a **refund** of one of the client's payments or sales (``payment`` is the refunded credit —
      the PAYMENT or the PURCHASE —, ``patron`` the payment's patron or empty for a sale; the
      Koha lines it wrote are its ``RefundLine`` rows)."""

    class Kind(models.TextChoices):
        CHARGE = "charge", "charge and pay"
        PAY = "pay", "pay existing debits"
        SALE = "sale", "sale without a patron"
        REFUND = "refund", "refund of a payment or a sale"

    client = models.ForeignKey(ApiClient, models.PROTECT, related_name="intakes")
    # On MariaDB/MySQL both columns get a binary, no-pad collation (migration 0002): keys and
    # references are compared byte for byte ("abc" ≠ "ABC" ≠ "abc "), not by the table's
    # case-insensitive collation. A later AlterField of these columns must keep it.
    idempotency_key = models.CharField(
        max_length=255, null=True, blank=True,
        help_text="Client's Idempotency-Key; set to NULL by purge_idempotency_keys when expired.",
    )
    external_id = models.CharField(max_length=100, null=True, blank=True)
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of the canonical request")
    patron = models.ForeignKey(
        "koha.Patron", models.DO_NOTHING, db_constraint=False, related_name="+", null=True,
        blank=True, help_text="The patron; none for a sale (or the refund of one).",
    )
    payment = models.ForeignKey(
        "koha.AccountLine", models.DO_NOTHING, db_constraint=False, related_name="+",
        help_text="The PAYMENT credit (accountlines_id); a sale's PURCHASE credit; for a "
                  "refund, the credit of the payment or sale it refunded.",
    )
    debit = models.ForeignKey(
        "koha.AccountLine", models.DO_NOTHING, db_constraint=False, related_name="+",
        null=True, blank=True,
        help_text="The debit a charge created (accountlines_id); none for a pay.",
    )
    # Both defaults on purpose: the Python one so that kohapay's own INSERT (payments.sql) writes
    # the column like any other, the database one so that a writer that predates the column (a
    # process still running the previous release during an upgrade) records a charge, as it did.
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.CHARGE,
                            db_default=Kind.CHARGE)
    response_status = models.PositiveSmallIntegerField(default=201)
    response_body = models.JSONField(
        encoder=ExactJSONEncoder, decoder=ExactJSONDecoder,
        help_text="The original response, replayed on retries (amounts kept exact).",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "kohapay_intake"
        constraints = [
            # Uniqueness lives in the database so it holds across processes and hosts.
            models.UniqueConstraint(
                fields=["client", "idempotency_key"], name="kohapay_intake_unique_key"
            ),
            models.UniqueConstraint(
                fields=["client", "external_id"], name="kohapay_intake_unique_external_id"
            ),
        ]
        indexes = [models.Index(fields=["payment"], name="kohapay_intake_payment")]

    def __str__(self):
        return f"intake {self.pk} → payment {self.payment_id}"

