"""Sales and refunds (issue 16): two more kinds of intake — ``sale`` (a point-of-sale sale
without a patron, so ``patron`` may be empty) and ``refund`` (of a payment or a sale) — and
``kohapay_refund_line``, the Koha lines each refund wrote per debit (the link Koha keeps only
between the refund and the debit, not the payment). kohapay's own tables only; no row is
rewritten. (Numbered after main's 0006; renumbered at merge if another branch's payments
migrations land first.)"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('koha', '0003_identity_tables'),
        ('payments', '0008_settlements'),
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
        migrations.CreateModel(
            name='RefundLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.DecimalField(decimal_places=6, help_text='The money refunded for this debit (positive).', max_digits=28)),
                ('credit', models.ForeignKey(db_constraint=False, help_text='The REFUND credit reduce made (accountlines_id).', on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='koha.accountline')),
                ('debit', models.ForeignKey(db_constraint=False, help_text='The refunded debit (accountlines_id): the charge or the sold item.', on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='koha.accountline')),
                ('payout', models.ForeignKey(db_constraint=False, help_text='The PAYOUT debit that paid the refund out, on the register (accountlines_id).', on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='koha.accountline')),
                ('refund', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='payments.intake')),
            ],
            options={
                'db_table': 'kohapay_refund_line',
            },
        ),
    ]
