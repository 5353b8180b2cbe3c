"""Koha's tables move to the ``koha`` app and the rate counter to ``core``: state only.

No table is created, renamed or dropped: the Koha models are unmanaged, and ``kohapay_rate_counter``
keeps its rows (``core`` 0001 takes the model over with the same ``db_table``). kohapay's own
foreign keys and many-to-many fields point at the same tables and columns as before; only the
model they name changes. (Django keeps no relations of unmanaged models in the migration state, so
nothing else points at the models that leave.)
"""
import django.db.models.deletion
from django.db import migrations, models

MOVED = ("AccountOffset", "ActionLog", "AuthorisedValue", "AuthorisedValueCategory",
         "AuthorisedValueLibrary", "CreditType", "CreditTypeLibrary", "DebitType",
         "DebitTypeLibrary", "Statistic", "SystemPreference", "AccountLine", "Patron", "RateCounter")


def koha_fk(to, **kwargs):
    return models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING,
                             related_name="+", to=to, **kwargs)


class Migration(migrations.Migration):
    dependencies = [
        ("koha", "0001_initial"),
        ("payments", "0003_rate_counter"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="intake", name="payment",
                    field=koha_fk("koha.accountline",
                                  help_text="The PAYMENT credit (accountlines_id)."),
                ),
                migrations.AlterField(
                    model_name="intake", name="debit", field=koha_fk("koha.accountline"),
                ),
                migrations.AlterField(
                    model_name="intake", name="patron", field=koha_fk("koha.patron"),
                ),
                migrations.AlterField(
                    model_name="apiclient", name="staff_patron",
                    field=koha_fk("koha.patron", help_text="Koha borrowernumber the client acts "
                                                           "as (manager_id of what it records)."),
                ),
                migrations.AlterField(
                    model_name="apiclient", name="debit_types",
                    field=models.ManyToManyField(
                        blank=True, db_constraint=False, related_name="+", to="koha.debittype",
                        help_text="Debit types it may charge; none selected means every "
                                  "eligible type."),
                ),
                migrations.AlterField(
                    model_name="apiclient", name="libraries",
                    field=models.ManyToManyField(
                        db_constraint=False, related_name="+", to="koha.library",
                        help_text="Libraries (branchcodes) it may record payments for."),
                ),
                migrations.AlterField(
                    model_name="apiclient", name="registers",
                    field=models.ManyToManyField(
                        blank=True, db_constraint=False, related_name="+", to="koha.cashregister",
                        help_text="Registers it may use; none selected means every register of "
                                  "its libraries."),
                ),
                *(migrations.DeleteModel(name=name) for name in MOVED),
            ],
        ),
    ]
