"""`manage.py seed_demo` — a demo Koha world and N days of charge-and-pay history.

For the SQLite demo (`make run`) and for benchmark databases; never for a real Koha database, which
is why it refuses a database that already holds libraries, patrons or account lines unless told
(`--force`).
"""
import random
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from demo import clients as demo_clients
from demo import fines, history, journal, koha_staff, library, reconciliation
from demo import users as demo_users
from koha import schema as kohaschema
from koha.models import AccountLine, CashRegister, Library, Patron


class Command(BaseCommand):
    help = (
        "Seed a demo or benchmark database: 3 libraries, their registers, a few hundred patrons, "
        "Koha's and kiosk debit and payment types, then --days of --per-day charge-and-pay "
        "payments written exactly as Koha writes them, with payouts and cashups."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=45, help="days of history, ending today")
        parser.add_argument("--per-day", type=int, default=60, help="charge-and-pay payments a day")
        parser.add_argument("--seed", type=int, default=1, help="random seed: same seed, same data")
        parser.add_argument(
            "--force", action="store_true",
            help="seed a database that already has data: reuse the demo's libraries, registers, "
            "patrons and types where present and add the history on top (no cashups then)",
        )
        parser.add_argument(
            "--unpaid-fines", type=int, default=0, metavar="N",
            help="leave the first N patrons of each library one to three unpaid fines, as Koha's "
            "fines cron does, for a kiosk to take payment of (make run: 4; default none)",
        )
        parser.add_argument(
            "--credentials-file", type=Path, default=settings.VAR_DIR / "demo-credentials.txt",
            help="where to write the demo logins (default var/demo-credentials.txt)",
        )

    def handle(self, *args, days, per_day, seed, force, unpaid_fines, credentials_file,
               **options):
        if days < 0 or per_day < 0 or unpaid_fines < 0:
            raise CommandError("--days, --per-day and --unpaid-fines must be zero or more.")
        self._check_database(force)
        started = time.monotonic()
        had_history = AccountLine.objects.exists()
        world = library.build_world(_rng(seed))
        with tqdm(total=days * per_day, unit="payment", desc="history", disable=None) as bar:
            result = history.write_history(
                world, days=days, per_day=per_day, seed=seed, now=timezone.now(),
                zone=ZoneInfo(settings.KOHA_TIME_ZONE), with_cashups=not had_history,
                progress=bar.update, keep_open=len(reconciliation.VARIANCES),
            )
        if unpaid_fines and not had_history:
            fines.leave_fines(timezone.now(), per_library=unpaid_fines)
        credentials = (demo_users.create_demo_users() + koha_staff.create_koha_staff_logins()
                       + demo_clients.create_demo_api_key() + demo_clients.create_demo_client())
        _write_credentials(credentials_file, credentials)
        variances = (0, 0) if had_history else (
            reconciliation.seed_cashups(),
            reconciliation.seed_settlements(demo_clients.DEMO_CLIENT))
        posted = 0 if had_history else journal.seed_journal()
        self._report(result, credentials, credentials_file, time.monotonic() - started, had_history)
        self.stdout.write(f"Variances: {variances[0]} cashups counted through kohapay, "
                          f"{variances[1]} days of gateway totals (/registers/variances/).")
        self.stdout.write(f"Journal: the demo's codes mapped, yesterday posted ({posted} lines); "
                          "today's takings wait to be posted (/registers/journal/).")

    def _check_database(self, force: bool) -> None:
        missing = sorted(set(kohaschema.koha_tables()) - set(kohaschema.existing_koha_tables()))
        if missing:
            raise CommandError(
                f"Koha tables are missing ({', '.join(missing)}): run "
                "`manage.py koha_schema create` on an empty database first."
            )
        counts = {
            "libraries": Library.objects.count(),
            "patrons": Patron.objects.count(),
            "account lines": AccountLine.objects.count(),
        }
        present = {name: n for name, n in counts.items() if n}
        if present and not force:
            found = ", ".join(f"{n:,} {name}" for name, n in present.items())
            raise CommandError(
                f"This database already has data ({found}): seed_demo seeds an empty demo or "
                "benchmark database only once. Use --force to add demo history on top anyway."
            )

    def _report(self, result, credentials, credentials_file, elapsed, had_history) -> None:
        write = self.stdout.write
        write(self.style.SUCCESS(
            f"Seeded {result.sales:,} payments, {result.payouts:,} payouts and {result.cashups:,} "
            f"cashups: {result.lines:,} account lines in {elapsed:.1f} s "
            f"({result.lines / max(elapsed, 0.001):,.0f} lines/s)."
        ))
        if had_history:
            write("The database already had history: no cashups were added (README, Demo data).")
        write(
            f"Database now holds {Library.objects.count()} libraries, "
            f"{CashRegister.objects.count()} registers, {Patron.objects.count():,} patrons, "
            f"{AccountLine.objects.count():,} account lines."
        )
        if credentials:
            write(f"Demo logins (also in {credentials_file}):")
            for line in credentials:
                write(f"  {line}")


def _rng(seed: int) -> random.Random:
    return random.Random(f"kohapay-demo-world:{seed}")


def _write_credentials(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{line}\n" for line in lines))
