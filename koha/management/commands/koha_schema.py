"""`manage.py koha_schema create|check` — Koha tables for tests and demos, and a live check."""
from django.core.management.base import BaseCommand, CommandError

from koha import schema as kohaschema


class Command(BaseCommand):
    help = (
        "create: make the Koha tables kohapay maps in an EMPTY database (tests, demo); refuses if "
        "any exists. check: compare a live database with kohapay's models; non-zero on mismatch."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "check"])
        parser.add_argument("--database", default="default")

    def handle(self, *args, action, database, **options):
        if action == "create":
            try:
                tables = kohaschema.create(database)
            except kohaschema.SchemaExistsError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(self.style.SUCCESS(f"Created {len(tables)} Koha tables: {', '.join(tables)}"))
            return
        problems = kohaschema.compare(database)
        if not problems:
            self.stdout.write(self.style.SUCCESS(
                f"OK: {len(kohaschema.koha_tables())} Koha tables match kohapay's models."
            ))
            return
        for label, items in problems.items():
            for item in items:
                self.stderr.write(f"{label}: {item}")
        count = sum(len(items) for items in problems.values())
        raise CommandError(f"{count} mismatch(es) between this database and kohapay's models.")
