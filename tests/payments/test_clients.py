"""create_api_client: prints the credentials once and refuses inconsistent scopes."""
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from payments.models import ApiClient
from tests.helpers import bearer_client, get_token, payments_url


def run(*args) -> str:
    out = StringIO()
    call_command("create_api_client", *args, stdout=out)
    return out.getvalue()


def test_create_api_client_prints_working_credentials(koha):
    output = run("--name", "Kiosk 1", "--staff-patron", "51", "--library", "CPL",
                 "--library", "MPL", "--register", "1", "--debit-type", "PRINT")
    client_id = re.search(r"client_id: (\S+)", output).group(1)
    secret = re.search(r"client_secret: (\S+)", output).group(1)
    client = ApiClient.objects.get(name="Kiosk 1")
    assert client.application.client_id == client_id and client.staff_patron_id == 51
    assert sorted(client.libraries.values_list("branchcode", flat=True)) == ["CPL", "MPL"]
    assert list(client.registers.values_list("id", flat=True)) == [1]
    assert list(client.debit_types.values_list("code", flat=True)) == ["PRINT"]
    credentials = type("C", (), {"client_id": client_id, "client_secret": secret})
    api = bearer_client(get_token(credentials))
    response = api.post(payments_url(), {"debit_type": "PRINT", "amount": 1,
                                         "payment_type": "CASH", "register_id": 1},
                        format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("args, message", [
    (["--staff-patron", "999", "--library", "CPL"], "borrowernumber 999"),
    (["--staff-patron", "51", "--library", "NOPE"], "Unknown library: NOPE"),
    (["--staff-patron", "51", "--library", "CPL", "--register", "999"], "id 999"),
    (["--staff-patron", "51", "--library", "MPL", "--register", "1"], "belongs to CPL"),
    (["--staff-patron", "51", "--library", "CPL", "--debit-type", "NOPE"], "debit type: NOPE"),
])
def test_create_api_client_refuses_bad_scopes(koha, args, message):
    with pytest.raises(CommandError, match=message):
        run("--name", "Bad", *args)
    assert not ApiClient.objects.exists()


def test_names_are_unique(koha):
    run("--name", "Twice", "--staff-patron", "51", "--library", "CPL")
    with pytest.raises(CommandError, match="already exists"):
        run("--name", "Twice", "--staff-patron", "51", "--library", "CPL")
