"""The moved models keep their content types, so that permissions granted on them (and the
admin's history) follow: ``payments.accountline`` becomes ``koha.accountline``, and so on.

On a database migrated by an earlier release the old content types exist and are relabelled; on
a new database none exists yet, and Django creates the new ones after migrating, as usual.
"""
from django.db import migrations

MOVED = {
    "payments": ("koha", ("accountline", "accountoffset", "actionlog", "authorisedvalue",
                          "authorisedvaluecategory", "authorisedvaluelibrary", "credittype",
                          "credittypelibrary", "debittype", "debittypelibrary", "patron",
                          "statistic", "systempreference")),
    "registers": ("koha", ("library", "cashregister", "cashregisteraction")),
}
MOVED_TO_CORE = {"payments": ("core", ("ratecounter",))}


def relabel(apps, moves, reverse=False):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_app, (new_app, models) in moves.items():
        source, target = (new_app, old_app) if reverse else (old_app, new_app)
        for model in models:
            if not ContentType.objects.filter(app_label=target, model=model).exists():
                ContentType.objects.filter(app_label=source, model=model).update(
                    app_label=target)


def forwards(apps, schema_editor):
    relabel(apps, MOVED)
    relabel(apps, MOVED_TO_CORE)


def backwards(apps, schema_editor):
    relabel(apps, MOVED, reverse=True)
    relabel(apps, MOVED_TO_CORE, reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ("koha", "0001_initial"),
        ("core", "0001_initial"),
        ("payments", "0004_koha_models_moved"),
        ("registers", "0006_koha_models_moved"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
