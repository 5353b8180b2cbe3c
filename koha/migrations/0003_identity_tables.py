# State only: Koha's identity tables, unmanaged (kohapay never creates or alters them).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('koha', '0002_content_types_moved'),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiKey',
            fields=[
                ('client_id', models.CharField(max_length=191, primary_key=True, serialize=False)),
                ('secret', models.CharField(max_length=191, unique=True)),
                ('description', models.CharField(max_length=255)),
                ('active', models.BooleanField(default=True)),
            ],
            options={
                'db_table': 'api_keys',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='PermissionCode',
            fields=[
                ('pk', models.CompositePrimaryKey('module_bit', 'code', blank=True, editable=False, primary_key=True, serialize=False)),
                ('module_bit', models.IntegerField()),
                ('code', models.CharField(max_length=64)),
                ('description', models.CharField(blank=True, max_length=255, null=True)),
            ],
            options={
                'db_table': 'permissions',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='UserFlag',
            fields=[
                ('bit', models.IntegerField(primary_key=True, serialize=False)),
                ('flag', models.CharField(blank=True, max_length=30, null=True)),
                ('flagdesc', models.CharField(blank=True, max_length=255, null=True)),
                ('defaulton', models.IntegerField(blank=True, null=True)),
            ],
            options={
                'db_table': 'userflags',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='UserPermission',
            fields=[
                ('pk', models.CompositePrimaryKey('borrowernumber', 'module_bit', 'code', blank=True, editable=False, primary_key=True, serialize=False)),
                ('borrowernumber', models.IntegerField()),
                ('module_bit', models.IntegerField()),
                ('code', models.CharField(max_length=64)),
            ],
            options={
                'db_table': 'user_permissions',
                'managed': False,
            },
        ),
    ]
