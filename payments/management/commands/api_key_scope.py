"""``manage.py api_key_scope CLIENT_ID [--library L]… [--register N]… [--debit-type CODE]…``:
narrow what a Koha API key may do in kohapay, or (without options) show it.

The options replace the key's whole narrowing: a kind not given is no longer narrowed
(``--clear`` removes all of it). Narrowing never widens: the key's owner still needs the Koha
permission, and Koha's library rule, on every request.
"""
from django.core.management.base import BaseCommand, CommandError

from koha.identity import preferences, staff
from payments.services.clients import ClientConfigurationError
from payments.services.koha_keys import KeyScope, get_key_scope, set_key_scope


class Command(BaseCommand):
    help = ("Narrow a Koha API key (its client_id, as made in Koha) to some libraries, cash "
            "registers and debit types; without options, show its narrowing.")

    def add_arguments(self, parser):
        parser.add_argument("client_id", help="The Koha API key's client_id.")
        parser.add_argument("--library", action="append", default=[], dest="libraries",
                            help="Only this library (branchcode; repeatable).")
        parser.add_argument("--register", action="append", type=int, default=[],
                            dest="registers", help="Only this cash register (id; repeatable).")
        parser.add_argument("--debit-type", action="append", default=[], dest="debit_types",
                            help="Only this debit type (code; repeatable).")
        parser.add_argument("--clear", action="store_true",
                            help="Remove every narrowing (the owner's Koha rights alone).")

    def handle(self, *args, client_id, libraries, registers, debit_types, clear, **options):
        changing = clear or libraries or registers or debit_types
        if clear and (libraries or registers or debit_types):
            raise CommandError("--clear takes no --library, --register or --debit-type.")
        try:
            if changing:
                scope = set_key_scope(client_id=client_id, library_ids=libraries,
                                      register_ids=registers, debit_type_codes=debit_types)
            else:
                scope = get_key_scope(client_id)
        except ClientConfigurationError as exc:
            raise CommandError(str(exc)) from exc
        if scope is None:
            self.stdout.write(f"{client_id}: no narrowing (no token issued yet).")
            return
        self._show(scope)

    def _show(self, scope: KeyScope) -> None:
        def listed(values):
            return ", ".join(map(str, values)) or "any"

        self.stdout.write(f"{scope.client.name} ({scope.client.koha_client_id})")
        self.stdout.write(f"  libraries:   {listed(scope.library_ids)}")
        self.stdout.write(f"  registers:   {listed(scope.register_ids)}")
        self.stdout.write(f"  debit types: {listed(scope.debit_type_codes)}")
        owner = staff.find(borrowernumber=scope.client.staff_patron_id)
        if owner is not None and preferences.load().independent_branches and not (
                owner.permissions.superlibrarian):
            self.stdout.write(f"  IndependentBranches is on: its owner acts at "
                              f"{owner.branchcode} only, whatever is listed here.")
