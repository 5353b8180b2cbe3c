"""Build a fresh intake benchmark database: Koha's tables, kohapay's migrations, Koha's
reference data, two libraries with two registers each, patrons, a kiosk-type debit type and an
API client — through the project's own commands and services.

``python -m bench.setup_db`` (run by the harness with kohapay's settings) prints the fixture as JSON.
"""
from __future__ import annotations

import io
import json
import re
import secrets
import sys

import django

PATRONS = 2000
FIRST_PATRON = 1001
STAFF = 51
LIBRARIES = {"CPL": "Centerville", "MPL": "Midway"}


def build(database: str) -> dict:
    from tools.bench import databases, environment

    databases.recreate(database)
    environment.manage(database, "koha_schema", "create")
    environment.manage(database, "migrate", "--noinput", "-v0")
    return json.loads(environment.module(database, "setup_db"))


def _fixture() -> dict:
    from koha.models import CashRegister, DebitType, Library, Patron
    from koha.schema.reference_data import install_reference_data

    install_reference_data({"UseCashRegisters": "1", "FinesLog": "1"})
    for code, name in LIBRARIES.items():
        Library.objects.create(branchcode=code, branchname=name)
    DebitType.objects.create(code="PRINT", description="Printing", can_be_sold=True)
    registers = [
        CashRegister.objects.create(name=f"Till {n}", description="benchmark", library_id=code,
                                    starting_float="100")
        for code in LIBRARIES for n in (1, 2)
    ]
    Patron.objects.create(borrowernumber=STAFF, cardnumber="STAFF51", userid="kiosk",
                          surname="Kiosk", library_id="CPL", categorycode="S")
    Patron.objects.bulk_create(
        Patron(borrowernumber=n, cardnumber=f"2{n:09d}", surname=f"Patron {n}",
               firstname="Bench", library_id="CPL", categorycode="PT")
        for n in range(FIRST_PATRON, FIRST_PATRON + PATRONS)
    )
    client = _api_client()
    return {
        **client, "staff": STAFF, "debit_type": "PRINT",
        "patrons": [FIRST_PATRON, FIRST_PATRON + PATRONS - 1],
        "registers": [{"id": r.id, "library": r.library_id} for r in registers],
    }


def _api_client() -> dict:
    """Through ``manage.py create_api_client`` (issue 3's contract); without it, the same records
    made directly (so the floors can be built before the endpoint exists)."""
    from django.core.management import call_command, get_commands

    from payments.models import ApiClient

    if "create_api_client" in get_commands():
        out = io.StringIO()
        call_command("create_api_client", "--name", "Benchmark kiosk", "--staff-patron",
                     str(STAFF), *[a for code in LIBRARIES for a in ("--library", code)],
                     stdout=out)
        client_id, secret = _credentials(out.getvalue())
        made_by = "manage.py create_api_client"
    else:
        client_id, secret = _direct_client()
        made_by = "direct (create_api_client not available)"
    client = ApiClient.objects.get(application__client_id=client_id)
    return {"client_id": client_id, "client_secret": secret, "client_pk": client.pk,
            "client_made_by": made_by}


def _credentials(text: str) -> tuple[str, str]:
    try:
        data = json.loads(text)
        return data["client_id"], data["client_secret"]
    except (ValueError, KeyError, TypeError):
        pass
    found = dict(re.findall(r"(client_id|client_secret)\W+([A-Za-z0-9_\-.~+/=]+)", text))
    if set(found) != {"client_id", "client_secret"}:
        raise RuntimeError(f"cannot read the credentials from create_api_client's output:\n{text}")
    return found["client_id"], found["client_secret"]


def _direct_client() -> tuple[str, str]:
    from oauth2_provider.models import Application

    from payments.models import ApiClient

    secret = secrets.token_urlsafe(32)
    app = Application.objects.create(
        name="Benchmark kiosk", client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS, client_secret=secret,
    )
    client = ApiClient.objects.create(name="Benchmark kiosk", application=app,
                                      staff_patron_id=STAFF)
    client.libraries.set(list(LIBRARIES))
    return app.client_id, secret


def debts(database: str, per_patron: int) -> dict[int, list[tuple[int, str]]]:
    """Outstanding debits for the payment-of-existing-debits contenders: ``per_patron`` for every
    bench patron, as Koha's ``add_debit`` writes them (``koha.recipes.debits``: the line, its
    CREATE offset, its FINES log). Returns {patron: [(debit id, amount), …]} in id order."""
    from tools.bench import environment

    found = json.loads(environment.module(database, "setup_db", "debts", str(per_patron)))
    return {int(patron): [(int(i), a) for i, a in lines] for patron, lines in found.items()}


def _debts(per_patron: int) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from koha.models import AccountLine, AccountOffset, ActionLog
    from koha.recipes.debits import Debit, debit_line, debit_log, debit_offset
    from tools.bench.workload import AMOUNTS

    now = timezone.now().replace(microsecond=0)
    made = {}
    patrons = range(FIRST_PATRON, FIRST_PATRON + PATRONS)
    with transaction.atomic():
        for chunk in range(0, PATRONS, 250):
            owed = [Debit(patron_id=n, manager_id=STAFF, library_id="CPL", interface="intranet",
                          debit_type="PRINT", amount=AMOUNTS[(n + k) % len(AMOUNTS)],
                          description="Printing")
                    for n in patrons[chunk:chunk + 250] for k in range(per_patron)]
            lines = AccountLine.objects.bulk_create([debit_line(d, at=now) for d in owed])
            AccountOffset.objects.bulk_create([debit_offset(line) for line in lines])
            ActionLog.objects.bulk_create([debit_log(d) for d in owed])
            for line in lines:
                made.setdefault(line.patron_id, []).append((line.pk, str(line.amount)))
    return made


if __name__ == "__main__":
    django.setup()
    if sys.argv[1:2] == ["debts"]:
        print(json.dumps(_debts(int(sys.argv[2]))))
    else:
        print(json.dumps(_fixture()))
