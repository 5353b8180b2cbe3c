"""Intake: exact JSON for the stored responses; byte-exact comparison of keys and references.

On MariaDB/MySQL the table's default collation (utf8mb4_unicode_ci) would make the unique indexes
treat "Key-1" and "key-1 " as the same idempotency key. A binary *no-pad* collation makes
uniqueness and lookups exact. SQLite (the demo) already compares bytes.
"""
from django.db import migrations, models

import core.exact_json

COLUMNS = (("idempotency_key", 255), ("external_id", 100))


def _modify(schema_editor, collation: str | None):
    connection = schema_editor.connection
    if connection.vendor != "mysql":
        return
    if collation is None:
        collation = "utf8mb4_unicode_ci"
    elif not connection.mysql_is_mariadb:
        collation = "utf8mb4_0900_bin"  # MySQL 8's no-pad binary collation
    clauses = ", ".join(
        f"MODIFY `{name}` varchar({length}) CHARACTER SET utf8mb4 COLLATE {collation} NULL"
        for name, length in COLUMNS
    )
    schema_editor.execute(f"ALTER TABLE `kohapay_intake` {clauses}")


def binary_keys(apps, schema_editor):
    _modify(schema_editor, "utf8mb4_nopad_bin")


def default_collation(apps, schema_editor):
    _modify(schema_editor, None)


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="intake",
            name="idempotency_key",
            field=models.CharField(
                blank=True, max_length=255, null=True,
                help_text=(
                    "Client's Idempotency-Key; set to NULL by purge_idempotency_keys when expired."
                ),
            ),
        ),
        migrations.AlterField(
            model_name="intake",
            name="response_body",
            field=models.JSONField(
                decoder=core.exact_json.ExactJSONDecoder,
                encoder=core.exact_json.ExactJSONEncoder,
                help_text="The original response, replayed on retries (amounts kept exact).",
            ),
        ),
        migrations.RunPython(binary_keys, default_collation, atomic=False, elidable=False),
    ]
