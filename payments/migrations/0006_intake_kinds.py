"""Intakes of two kinds (issue 15): ``kind`` says whether the intake charged and paid
(``charge``: every intake recorded so far, which the column's default makes them) or paid debits
the patron already owed (``pay``: no debit of its own, so ``debit`` may be empty). kohapay's own
table only; no row is rewritten."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('koha', '0003_identity_tables'),
        ('payments', '0005_koha_api_keys'),
    ]

    operations = [
        migrations.AddField(
            model_name='intake',
            name='kind',
            field=models.CharField(choices=[('charge', 'charge and pay'), ('pay', 'pay existing debits')], db_default='charge', default='charge', max_length=8),
        ),
        migrations.AlterField(
            model_name='intake',
            name='debit',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The debit a charge created (accountlines_id); none for a pay.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='koha.accountline'),
        ),
    ]
