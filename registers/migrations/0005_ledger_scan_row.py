"""The single LedgerScan row (nothing scanned yet: the first page view scans the whole table)."""
from django.db import migrations


def create_row(apps, schema_editor):
    apps.get_model("registers", "LedgerScan").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("registers", "0004_ledger_scan")]
    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
