"""Koha API keys as API clients (issue 14): a client is either kohapay's own (``application``) or
a Koha key (``koha_client_id``), never both; a Koha key's libraries may be empty (no narrowing);
its tokens are kept as SHA-256 checksums in their own table. kohapay's tables only: existing
clients, tokens and intakes are untouched (each has an application, so the constraint holds)."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0004_koha_models_moved'),
        migrations.swappable_dependency(settings.OAUTH2_PROVIDER_APPLICATION_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='apiclient',
            name='koha_client_id',
            field=models.CharField(blank=True, help_text="A Koha API key's client_id (Koha table api_keys).", max_length=191, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name='apiclient',
            name='application',
            field=models.OneToOneField(blank=True, help_text="A kohapay client's OAuth2 credentials.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='api_client', to=settings.OAUTH2_PROVIDER_APPLICATION_MODEL),
        ),
        migrations.AlterField(
            model_name='apiclient',
            name='libraries',
            field=models.ManyToManyField(blank=True, db_constraint=False, help_text='Libraries (branchcodes) it may record payments for; for a Koha API key, none selected means every library its owner may act in.', related_name='+', to='koha.library'),
        ),
        migrations.AlterField(
            model_name='apiclient',
            name='staff_patron',
            field=models.ForeignKey(db_constraint=False, help_text="Koha borrowernumber the client acts as (manager_id of what it records); for a Koha API key, the key's owner.", on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='koha.patron'),
        ),
        migrations.AddConstraint(
            model_name='apiclient',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('application__isnull', False), ('koha_client_id__isnull', True)), models.Q(('application__isnull', True), ('koha_client_id__isnull', False)), _connector='OR'), name='kohapay_api_client_one_identity'),
        ),
        migrations.CreateModel(
            name='KohaKeyToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token_checksum', models.CharField(help_text='SHA-256 of the token, hex.', max_length=64, unique=True)),
                ('expires', models.DateTimeField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='payments.apiclient')),
            ],
            options={
                'db_table': 'kohapay_koha_key_token',
            },
        ),
    ]
