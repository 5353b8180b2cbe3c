"""System check: warn a deployer whose Koha database does not match kohapay's models."""
from django.core.checks import Warning, register
from django.db import DatabaseError

from koha import schema as kohaschema


@register("koha")
def koha_schema_matches(app_configs=None, **kwargs):
    try:
        problems = kohaschema.compare()
    except DatabaseError as exc:
        return [Warning(f"Could not inspect the Koha tables: {exc}", id="kohapay.W002")]
    return [
        Warning(
            f"{label}: {problem}",
            hint="kohapay targets Koha 23.05 or later; see `manage.py koha_schema check`.",
            id="kohapay.W001",
        )
        for label, items in problems.items()
        for problem in items
    ]
