"""``manage.py create_api_client --name "Kiosk 1" --staff-patron 51 --library CPL [--library MPL]
[--register 1] [--debit-type PRINT]``: create an API client and print its credentials once."""
from django.core.management.base import BaseCommand, CommandError

from payments.services.clients import ClientConfigurationError, create_api_client


class Command(BaseCommand):
    help = ("Create a kohapay API client (OAuth2 client credentials). The secret is printed "
            "once and stored hashed.")

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Unique name, e.g. 'Kiosk 1'.")
        parser.add_argument("--staff-patron", type=int, required=True,
                            help="Borrowernumber of the Koha staff patron it acts as.")
        parser.add_argument("--library", action="append", required=True, dest="libraries",
                            help="Branchcode it may record payments for (repeatable).")
        parser.add_argument("--register", action="append", type=int, default=[],
                            dest="registers", help="Restrict to this cash register (repeatable).")
        parser.add_argument("--debit-type", action="append", default=[], dest="debit_types",
                            help="Restrict to this debit type (repeatable).")

    def handle(self, *args, name, staff_patron, libraries, registers, debit_types, **options):
        try:
            credentials = create_api_client(
                name=name, staff_patron_id=staff_patron, library_ids=libraries,
                register_ids=registers, debit_type_codes=debit_types,
            )
        except ClientConfigurationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"client_id: {credentials.client_id}")
        self.stdout.write(f"client_secret: {credentials.client_secret}")
        self.stdout.write("The secret is shown only now; kohapay keeps only its hash.")
