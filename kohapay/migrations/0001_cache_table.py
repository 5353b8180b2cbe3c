"""The database cache table (``CACHES`` → ``kohapay_cache``) that holds the rate limits' counters,
so that every process and host shares them. A migration, so that ``migrate`` (and therefore the
test database, ``make run`` and deployments) always has it; ``createcachetable`` would be a step
someone forgets."""
from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    table = schema_editor.connection.ops.quote_name("kohapay_cache")
    schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(create_cache_table, drop_cache_table, elidable=False)]
