"""A database migrated by the release before issue 13 (Koha's models in ``payments`` and
``registers``, the rate counter in ``payments``) migrates to the new layout with every row intact:
no table is renamed or rebuilt, and kohapay's own rows still point at the same Koha rows."""
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from oauth2_provider.models import Application

from core.models import RateCounter
from koha.models import AccountLine, CashRegister, DebitType, Library, Patron
from payments.models import Intake
from registers.models import LibraryRestriction

BEFORE_THE_MOVE = [
    ("payments", "0003_rate_counter"),
    ("registers", "0005_ledger_scan_row"),
    ("koha", None),
    ("core", None),
]
WINDOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    nodes = [target for target in targets if target[1] is not None]
    return MigrationExecutor(connection).loader.project_state(nodes).apps


def write_the_old_release_rows(apps) -> int:
    """Rows as the old release's models wrote them; returns the intake's id."""
    old = {name: apps.get_model(app, name) for app, name in (
        ("registers", "Library"), ("registers", "CashRegister"), ("payments", "Patron"),
        ("payments", "DebitType"), ("payments", "AccountLine"), ("payments", "ApiClient"),
        ("payments", "Intake"), ("payments", "RateCounter"), ("registers", "LibraryRestriction"),
        ("oauth2_provider", "Application"), ("auth", "User"), ("auth", "Group"),
        ("auth", "Permission"), ("contenttypes", "ContentType"))}
    # Content types as the old release had them (the new ones appear only after migrating).
    old["ContentType"].objects.filter(app_label__in=("koha", "core")).delete()
    line_type = old["ContentType"].objects.get_or_create(app_label="payments",
                                                         model="accountline")[0]
    viewer = old["Group"].objects.create(name="Ledger viewers")
    viewer.permissions.add(old["Permission"].objects.get_or_create(
        content_type=line_type, codename="view_accountline",
        defaults={"name": "Can view account line"})[0])

    # Koha's rows: Koha's tables are the same before and after (kohapay never migrates them).
    Library.objects.create(branchcode="CPL", branchname="Centerville")
    register = CashRegister.objects.create(name="Front desk", description="", library_id="CPL")
    Patron.objects.create(borrowernumber=51, library_id="CPL", userid="kiosk")
    Patron.objects.create(borrowernumber=42, library_id="CPL")
    DebitType.objects.create(code="PRINT", description="Printing")
    debit = AccountLine.objects.create(patron_id=42, amount=Decimal("2.5"), amountoutstanding=0,
                                       interface="api")
    payment = AccountLine.objects.create(patron_id=42, amount=Decimal("-2.5"),
                                         amountoutstanding=0, interface="api", register=register)
    cpl, register = old["Library"].objects.get(), old["CashRegister"].objects.get()
    staff, patron = (old["Patron"].objects.get(pk=pk) for pk in (51, 42))
    printing = old["DebitType"].objects.get()
    debit, payment = (old["AccountLine"].objects.get(pk=line.pk) for line in (debit, payment))
    application = old["Application"].objects.get(pk=Application.objects.create(
        name="Kiosk 1", client_type="confidential", authorization_grant_type="client-credentials",
    ).pk)
    client = old["ApiClient"].objects.create(name="Kiosk 1", application=application,
                                             staff_patron=staff)
    client.libraries.add(cpl)
    client.registers.add(register)
    client.debit_types.add(printing)
    intake = old["Intake"].objects.create(
        client=client, idempotency_key="Key-1", external_id="kiosk1-000124", request_hash="a" * 64,
        patron=patron, payment=payment, debit=debit,
        response_body={"payment_id": payment.pk, "amount": Decimal("2.500000")})
    old["RateCounter"].objects.create(scope="api", ident=f"client-{client.pk}",
                                      window_start=WINDOW, hits=7)
    auditor = old["User"].objects.create(username="auditor")
    restriction = old["LibraryRestriction"].objects.create(user=auditor)
    restriction.libraries.add(cpl)
    return intake.pk


@pytest.mark.django_db(transaction=True)
def test_a_database_of_the_old_layout_migrates_with_its_rows_intact():
    intake_id = write_the_old_release_rows(migrate(BEFORE_THE_MOVE))

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    intake = Intake.objects.select_related("client", "patron", "payment", "debit").get()
    assert intake.pk == intake_id
    assert (intake.idempotency_key, intake.external_id) == ("Key-1", "kiosk1-000124")
    assert intake.patron == Patron.objects.get(borrowernumber=42)
    assert (intake.payment.amount, intake.debit.amount) == (Decimal("-2.5"), Decimal("2.5"))
    assert intake.payment.register == CashRegister.objects.get(name="Front desk")
    assert intake.response_body == {"payment_id": intake.payment_id, "amount": Decimal("2.5")}
    client = intake.client
    assert client.staff_patron_id == 51
    assert list(client.libraries.all()) == [Library.objects.get(branchcode="CPL")]
    assert list(client.registers.values_list("name", flat=True)) == ["Front desk"]
    assert list(client.debit_types.all()) == [DebitType.objects.get(code="PRINT")]
    assert RateCounter.objects.get().hits == 7
    restriction = LibraryRestriction.objects.get(user__username="auditor")
    assert list(restriction.libraries.values_list("branchcode", flat=True)) == ["CPL"]
    assert AccountLine.objects.count() == 2
    # A permission granted on a moved model follows it to its new app.
    line_type = ContentType.objects.get_for_model(AccountLine)
    assert (line_type.app_label, line_type.model) == ("koha", "accountline")
    granted = Permission.objects.get(group__name="Ledger viewers")
    assert (granted.content_type, granted.codename) == (line_type, "view_accountline")
    assert not ContentType.objects.filter(app_label="payments", model="accountline").exists()


def test_the_old_admin_addresses_of_kohas_tables_lead_to_the_new_ones(admin_client):
    response = admin_client.get("/admin/payments/accountline/?q=42")
    assert (response.status_code, response["Location"]) == (301, "/admin/koha/accountline/?q=42")
    response = admin_client.get("/admin/registers/cashregister/1/change/")
    assert response["Location"] == "/admin/koha/cashregister/1/change/"
    # kohapay's own models did not move: their admin pages answer where they always did.
    assert admin_client.get("/admin/payments/apiclient/").status_code == 200
    assert admin_client.get("/admin/registers/libraryrestriction/").status_code == 200
