"""The demo kiosk client: credentials and a curl example that really records a payment."""
import json
import re

from demo.clients import create_demo_client
from koha.models import Patron
from payments.models import ApiClient
from tests.helpers import bearer_client, get_token


def credentials_from(lines):
    text = "\n".join(lines)
    client_id = re.search(r"client_id:\s+(\S+)", text).group(1)
    secret = re.search(r"client_secret:\s+(\S+)", text).group(1)
    return type("C", (), {"client_id": client_id, "client_secret": secret})


def test_demo_client_acts_as_the_kiosk_staff_patron_and_its_example_works(koha):
    Patron.objects.filter(pk=51).update(userid="kohapay_kiosk")
    lines = create_demo_client()
    client = ApiClient.objects.get(name="Demo kiosk")
    assert client.staff_patron_id == 51
    assert sorted(client.libraries.values_list("branchcode", flat=True)) == ["CPL", "MPL"]
    curl = next(line for line in lines if "/account/payments" in line)
    path = re.search(r"http://127\.0\.0\.1:8000(\S+)", curl).group(1)
    body = json.loads(re.search(r"-d '(\{.*\})'", curl).group(1))
    api = bearer_client(get_token(credentials_from(lines)))
    response = api.post(path, body, format="json")
    assert response.status_code == 201, response.content


def test_running_it_again_rekeys_the_same_client(koha):
    Patron.objects.filter(pk=51).update(flags=1)  # no kohapay_kiosk userid: first with flags
    first = credentials_from(create_demo_client())
    second = credentials_from(create_demo_client())
    assert ApiClient.objects.filter(name="Demo kiosk").count() == 1
    assert first.client_id == second.client_id and first.client_secret != second.client_secret
    get_token(second)


def test_without_a_staff_patron_it_says_so(koha):
    lines = create_demo_client()
    assert not ApiClient.objects.exists() and "No staff patron" in lines[0]
