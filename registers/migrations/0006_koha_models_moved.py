"""Koha's libraries, cash registers and their actions move to the ``koha`` app: state only (they
are unmanaged; no table changes). The library restriction's many-to-many keeps its table
``kohapay_library_restriction_libraries`` and its columns; only the model it names changes."""
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("koha", "0001_initial"),
        ("payments", "0004_koha_models_moved"),
        ("registers", "0005_ledger_scan_row"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="libraryrestriction", name="libraries",
                    field=models.ManyToManyField(
                        blank=True, db_constraint=False, related_name="+", to="koha.library",
                        help_text="Libraries (branchcodes) whose registers this user may see."),
                ),
                migrations.DeleteModel(name="CashRegisterAction"),
                migrations.DeleteModel(name="CashRegister"),
                migrations.DeleteModel(name="Library"),
            ],
        ),
    ]
