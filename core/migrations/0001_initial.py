"""The rate counter moves here from ``payments`` (its 0003 made the table): state only, the table
``kohapay_rate_counter`` and its rows stay as they are."""
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("payments", "0003_rate_counter"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="RateCounter",
                    fields=[
                        ("pk", models.CompositePrimaryKey(
                            "scope", "ident", "window_start", blank=True, editable=False,
                            primary_key=True, serialize=False)),
                        ("scope", models.CharField(
                            help_text="api, token-client or token-ip", max_length=16)),
                        ("ident", models.CharField(
                            help_text="client-<id>, user-<id>, ip-<address>, or a hash of a "
                                      "client_id", max_length=64)),
                        ("window_start", models.DateTimeField(
                            help_text="Start of the fixed window (UTC, aligned)")),
                        ("hits", models.PositiveIntegerField(
                            help_text="Requests counted in the window, refused too")),
                    ],
                    options={"db_table": "kohapay_rate_counter"},
                ),
            ],
        ),
    ]
