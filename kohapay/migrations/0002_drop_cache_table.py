"""Drop the database cache table ``kohapay_cache``: the rate limits now count in
``kohapay_rate_counter`` (payments 0003), one atomic statement per check, and nothing else in
kohapay uses Django's cache. Migration 0001 is kept for history; with ``CACHES`` no longer naming a
database cache it creates nothing on a fresh database. Reversing this one recreates the table."""
from django.core.management import call_command
from django.db import migrations

TABLE = "kohapay_cache"


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.connection.ops.quote_name(TABLE)}")


def recreate_cache_table(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("kohapay", "0001_cache_table")]
    operations = [migrations.RunPython(drop_cache_table, recreate_cache_table, atomic=False,
                                       elidable=False)]
