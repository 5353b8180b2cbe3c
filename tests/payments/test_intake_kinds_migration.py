"""Migration 0006 (issue 15): the intakes recorded before it stay charges with their debit, a pay
may have none, and a writer that does not know the new column still records a charge."""
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from oauth2_provider.models import Application

from koha.models import AccountLine, Library, Patron
from payments.models import Intake

BEFORE = [("payments", "0005_koha_api_keys")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_intakes_of_the_previous_release_become_charges_with_their_debit():
    old = migrate(BEFORE)
    Library.objects.create(branchcode="CPL", branchname="Centerville")
    Patron.objects.create(borrowernumber=51, library_id="CPL", userid="kiosk")
    Patron.objects.create(borrowernumber=42, library_id="CPL")
    debit = AccountLine.objects.create(patron_id=42, amount=Decimal("2.5"), amountoutstanding=0,
                                       interface="api")
    payment = AccountLine.objects.create(patron_id=42, amount=Decimal("-2.5"),
                                         amountoutstanding=0, interface="api")
    application = old.get_model("oauth2_provider", "Application").objects.get(
        pk=Application.objects.create(name="Kiosk 1", client_type="confidential",
                                      authorization_grant_type="client-credentials").pk)
    client = old.get_model("payments", "ApiClient").objects.create(
        name="Kiosk 1", staff_patron_id=51, application=application)
    old_id = old.get_model("payments", "Intake").objects.create(
        client=client, idempotency_key="k-1", external_id="e-1", request_hash="a" * 64,
        patron_id=42, payment_id=payment.pk, debit_id=debit.pk, response_body={}).pk

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    intake = Intake.objects.get(pk=old_id)
    assert (intake.kind, intake.debit_id, intake.payment_id) == ("charge", debit.pk, payment.pk)
    paid = Intake.objects.create(client_id=client.pk, idempotency_key="k-2",
                                 request_hash="b" * 64, patron_id=42, payment_id=payment.pk,
                                 kind=Intake.Kind.PAY, response_body={})
    assert Intake.objects.get(pk=paid.pk).debit_id is None
    with connection.cursor() as cursor:  # a writer that predates `kind`
        cursor.execute(
            "INSERT INTO kohapay_intake (client_id, idempotency_key, request_hash, patron_id,"
            " payment_id, debit_id, response_status, response_body, created_at)"
            " VALUES (%s, 'k-3', %s, 42, %s, %s, 201, '{}', UTC_TIMESTAMP(6))",
            [client.pk, "c" * 64, payment.pk, debit.pk])
    assert Intake.objects.get(idempotency_key="k-3").kind == "charge"
