"""Sales and refunds (issue 16): two more kinds of intake — ``sale`` (a point-of-sale sale
without a patron, so ``patron`` may be empty) and ``refund`` (of a payment or a sale). kohapay's
own table only; no row is rewritten. (Numbered after main's 0006; renumbered at merge if another
branch's payments migrations land first.)"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('koha', '0003_identity_tables'),
        ('payments', '0006_intake_kinds'),
    ]

    operations = [
        migrations.AlterField(
            model_name='intake',
            name='kind',
            field=models.CharField(choices=[('charge', 'charge and pay'), ('pay', 'pay existing debits'), ('sale', 'sale without a patron'), ('refund', 'refund of a payment or a sale')], db_default='charge', default='charge', max_length=8),
        ),
        migrations.AlterField(
            model_name='intake',
            name='patron',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The patron; none for a sale (or the refund of one).', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='koha.patron'),
        ),
        migrations.AlterField(
            model_name='intake',
            name='payment',
            field=models.ForeignKey(db_constraint=False, help_text="The PAYMENT credit (accountlines_id); a sale's PURCHASE credit; for a refund, the credit of the payment or sale it refunded.", on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='koha.accountline'),
        ),
    ]
