"""Koha's tables in the migration state of the ``koha`` app, where they moved from ``payments`` and
``registers`` (payments 0004–0005, registers 0006). Every model is unmanaged, so this migration
changes nothing in the database: it only tells Django where the models now live."""
import django.db.models.functions.datetime
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='AccountLine',
            fields=[
                ('accountlines_id', models.AutoField(primary_key=True, serialize=False)),
                ('issue_id', models.IntegerField(blank=True, help_text='issues.issue_id (not mapped)', null=True)),
                ('itemnumber', models.IntegerField(blank=True, help_text='items.itemnumber (not mapped)', null=True)),
                ('date', models.DateTimeField(blank=True, null=True)),
                ('amount', models.DecimalField(blank=True, decimal_places=6, max_digits=28, null=True)),
                ('description', models.TextField(blank=True, null=True)),
                ('credit_number', models.CharField(blank=True, max_length=20, null=True)),
                ('status', models.CharField(blank=True, max_length=16, null=True)),
                ('payment_type', models.CharField(blank=True, help_text='PAYMENT_TYPE authorised value (no FK)', max_length=80, null=True)),
                ('amountoutstanding', models.DecimalField(blank=True, decimal_places=6, max_digits=28, null=True)),
                ('timestamp', models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), editable=False)),
                ('note', models.TextField(blank=True, null=True)),
                ('interface', models.CharField(max_length=16)),
            ],
            options={
                'db_table': 'accountlines',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='AccountOffset',
            fields=[
                ('id', models.AutoField(primary_key=True, serialize=False)),
                ('type', models.CharField(choices=[('CREATE', 'Create'), ('APPLY', 'Apply'), ('VOID', 'Void'), ('OVERDUE_INCREASE', 'Overdue Increase'), ('OVERDUE_DECREASE', 'Overdue Decrease')], max_length=16)),
                ('amount', models.DecimalField(decimal_places=6, max_digits=26)),
                ('created_on', models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), editable=False)),
            ],
            options={
                'db_table': 'account_offsets',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='ActionLog',
            fields=[
                ('action_id', models.AutoField(primary_key=True, serialize=False)),
                ('timestamp', models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), editable=False)),
                ('user', models.IntegerField(default=0)),
                ('module', models.TextField(null=True)),
                ('action', models.TextField(null=True)),
                ('object', models.IntegerField(null=True)),
                ('info', models.TextField(null=True)),
                ('interface', models.CharField(max_length=30, null=True)),
                ('script', models.CharField(max_length=255, null=True)),
                ('trace', models.TextField(null=True)),
            ],
            options={
                'db_table': 'action_logs',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='AuthorisedValue',
            fields=[
                ('id', models.AutoField(primary_key=True, serialize=False)),
                ('category', models.CharField(default='', max_length=32)),
                ('authorised_value', models.CharField(default='', max_length=80)),
                ('lib', models.CharField(blank=True, max_length=200, null=True)),
                ('lib_opac', models.CharField(blank=True, max_length=200, null=True)),
                ('imageurl', models.CharField(blank=True, max_length=200, null=True)),
            ],
            options={
                'db_table': 'authorised_values',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='AuthorisedValueCategory',
            fields=[
                ('category_name', models.CharField(max_length=32, primary_key=True, serialize=False)),
                ('is_system', models.BooleanField(default=False, null=True)),
            ],
            options={
                'db_table': 'authorised_value_categories',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='AuthorisedValueLibrary',
            fields=[
                ('pk', models.CompositePrimaryKey('av_id', 'branchcode', blank=True, editable=False, primary_key=True, serialize=False)),
                ('av_id', models.IntegerField()),
                ('branchcode', models.CharField(max_length=10)),
            ],
            options={
                'db_table': 'authorised_values_branches',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='CashRegister',
            fields=[
                ('id', models.AutoField(primary_key=True, serialize=False)),
                ('name', models.CharField(max_length=24)),
                ('description', models.TextField()),
                ('branch_default', models.BooleanField(default=False)),
                ('starting_float', models.DecimalField(blank=True, decimal_places=6, max_digits=28, null=True)),
                ('archived', models.BooleanField(default=False)),
            ],
            options={
                'db_table': 'cash_registers',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='CashRegisterAction',
            fields=[
                ('id', models.AutoField(primary_key=True, serialize=False)),
                ('code', models.CharField(max_length=24)),
                ('amount', models.DecimalField(blank=True, decimal_places=6, max_digits=28, null=True)),
                ('timestamp', models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
            ],
            options={
                'db_table': 'cash_register_actions',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='CreditType',
            fields=[
                ('code', models.CharField(max_length=80, primary_key=True, serialize=False)),
                ('description', models.CharField(blank=True, max_length=200, null=True)),
                ('can_be_added_manually', models.BooleanField(default=True)),
                ('credit_number_enabled', models.BooleanField(default=False)),
                ('is_system', models.BooleanField(default=False)),
                ('archived', models.BooleanField(default=False)),
            ],
            options={
                'db_table': 'account_credit_types',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='CreditTypeLibrary',
            fields=[
                ('pk', models.CompositePrimaryKey('credit_type_code', 'branchcode', blank=True, editable=False, primary_key=True, serialize=False)),
                ('credit_type_code', models.CharField(max_length=80)),
                ('branchcode', models.CharField(max_length=10)),
            ],
            options={
                'db_table': 'account_credit_types_branches',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='DebitType',
            fields=[
                ('code', models.CharField(max_length=80, primary_key=True, serialize=False)),
                ('description', models.CharField(blank=True, max_length=200, null=True)),
                ('can_be_invoiced', models.BooleanField(default=True)),
                ('can_be_sold', models.BooleanField(default=False)),
                ('default_amount', models.DecimalField(blank=True, decimal_places=6, max_digits=28, null=True)),
                ('is_system', models.BooleanField(default=False)),
                ('archived', models.BooleanField(default=False)),
                ('restricts_checkouts', models.BooleanField(default=True)),
            ],
            options={
                'db_table': 'account_debit_types',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='DebitTypeLibrary',
            fields=[
                ('pk', models.CompositePrimaryKey('debit_type_code', 'branchcode', blank=True, editable=False, primary_key=True, serialize=False)),
                ('debit_type_code', models.CharField(max_length=80)),
                ('branchcode', models.CharField(max_length=10)),
            ],
            options={
                'db_table': 'account_debit_types_branches',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='Library',
            fields=[
                ('branchcode', models.CharField(max_length=10, primary_key=True, serialize=False)),
                ('branchname', models.TextField()),
            ],
            options={
                'verbose_name_plural': 'libraries',
                'db_table': 'branches',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='Patron',
            fields=[
                ('borrowernumber', models.AutoField(primary_key=True, serialize=False)),
                ('cardnumber', models.CharField(blank=True, max_length=32, null=True, unique=True)),
                ('surname', models.TextField(blank=True, null=True)),
                ('firstname', models.TextField(blank=True, null=True)),
                ('categorycode', models.CharField(default='', max_length=10)),
                ('userid', models.CharField(blank=True, max_length=75, null=True, unique=True)),
                ('flags', models.BigIntegerField(blank=True, help_text='Koha permission bit field', null=True)),
                ('email', models.TextField(blank=True, null=True)),
                ('lang', models.CharField(default='default', max_length=25)),
            ],
            options={
                'db_table': 'borrowers',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='Statistic',
            fields=[
                ('pk', models.CompositePrimaryKey('datetime', 'borrowernumber', 'type', 'value', blank=True, editable=False, primary_key=True, serialize=False)),
                ('datetime', models.DateTimeField(help_text="Koha's local wall-clock time (a datetime column)")),
                ('branch', models.CharField(max_length=10, null=True)),
                ('value', models.DecimalField(decimal_places=4, help_text='double(16,4)', max_digits=16)),
                ('type', models.CharField(max_length=16)),
                ('other', models.TextField(null=True)),
                ('itemnumber', models.IntegerField(null=True)),
                ('itemtype', models.CharField(max_length=10, null=True)),
                ('location', models.CharField(max_length=80, null=True)),
                ('borrowernumber', models.IntegerField()),
                ('ccode', models.CharField(max_length=80, null=True)),
                ('categorycode', models.CharField(max_length=10, null=True)),
                ('interface', models.CharField(max_length=30, null=True)),
            ],
            options={
                'db_table': 'statistics',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='SystemPreference',
            fields=[
                ('variable', models.CharField(max_length=50, primary_key=True, serialize=False)),
                ('value', models.TextField(blank=True, null=True)),
                ('options', models.TextField(blank=True, null=True)),
                ('explanation', models.TextField(blank=True, null=True)),
                ('type', models.CharField(blank=True, max_length=20, null=True)),
            ],
            options={
                'db_table': 'systempreferences',
                'managed': False,
            },
        ),
    ]
