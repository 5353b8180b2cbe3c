"""The two dashboard roles, as groups holding the one permission the dashboard checks.

Finance staff and Auditors see the same pages and exports; auditors are read-only *by
construction* (no dashboard view accepts a write), so both groups hold the same permission and the
difference is organisational. The permission row is created here because Django only creates
permissions after all migrations have run.
"""
from django.db import migrations

GROUPS = ("Finance staff", "Auditors")
CODENAME = "view_dashboard"


def create_groups(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="registers", model="libraryrestriction"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=CODENAME,
        defaults={"name": "Can view register figures, transactions and exports"},
    )
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(permission)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registers", "0002_library_restriction"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
