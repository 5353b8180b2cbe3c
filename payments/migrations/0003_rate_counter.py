"""The rate limits' counters (payments.RateCounter): one row per scope, identity and fixed window,
replacing the DatabaseCache table ``kohapay_cache`` (dropped by kohapay 0002)."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0002_intake_exact_json_binary_keys"),
    ]

    operations = [
        migrations.CreateModel(
            name="RateCounter",
            fields=[
                ("pk", models.CompositePrimaryKey(
                    "scope", "ident", "window_start", blank=True, editable=False,
                    primary_key=True, serialize=False)),
                ("scope", models.CharField(help_text="api, token-client or token-ip",
                                           max_length=16)),
                ("ident", models.CharField(
                    help_text="client-<id>, user-<id>, ip-<address>, or a hash of a client_id",
                    max_length=64)),
                ("window_start", models.DateTimeField(
                    help_text="Start of the fixed window (UTC, aligned)")),
                ("hits", models.PositiveIntegerField(
                    help_text="Requests counted in the window, refused too")),
            ],
            options={
                "db_table": "kohapay_rate_counter",
            },
        ),
    ]
