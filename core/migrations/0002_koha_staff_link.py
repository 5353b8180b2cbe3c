"""kohapay's link from a Django user to the Koha staff patron it stands for, and the login
attempts' rate-limit scopes (issue 14)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='ratecounter',
            name='scope',
            field=models.CharField(help_text='api, token-client, token-ip, login-ip or login-user', max_length=16),
        ),
        migrations.CreateModel(
            name='KohaStaffLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('borrowernumber', models.IntegerField(help_text='Koha borrowers.borrowernumber', unique=True)),
                ('userid', models.CharField(help_text='Koha userid at the last login', max_length=75)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='koha_link', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'kohapay_koha_staff_link',
            },
        ),
    ]
