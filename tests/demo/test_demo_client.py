"""The demo kiosk's Koha API key and kohapay client: credentials and a curl example that really
records a payment."""
import json
import re

from django.utils import timezone

from demo import fines
from demo.clients import DEMO_KEY, create_demo_api_key, create_demo_client
from koha.models import AccountLine, ApiKey, Patron, SystemPreference
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


def _records_a_payment(lines) -> AccountLine:
    curl = next(line for line in lines if "/account/payments" in line)
    path = re.search(r"http://127\.0\.0\.1:8000(\S+)", curl).group(1)
    body = json.loads(re.search(r"-d '(\{.*\})'", curl).group(1))
    response = bearer_client(get_token(credentials_from(lines))).post(path, body, format="json")
    assert response.status_code == 201, response.content
    return AccountLine.objects.get(pk=response.json()["payment_id"])


def test_demo_koha_api_key_is_made_as_koha_makes_one_and_its_example_works(koha):
    Patron.objects.filter(pk=51).update(userid="kohapay_kiosk", flags=1 << 10)  # updatecharges
    SystemPreference.objects.update_or_create(variable="RESTOAuth2ClientCredentials",
                                              defaults={"value": "1"})
    lines = create_demo_api_key()
    key = ApiKey.objects.get(description=DEMO_KEY)
    shown = credentials_from(lines)
    assert key.client_id == shown.client_id and key.patron_id == 51 and key.active
    assert key.secret.startswith("$2a$08$") and shown.client_secret not in key.secret
    assert _records_a_payment(lines).manager_id == 51  # the key's owner acts


def test_making_the_demo_key_again_replaces_it(koha):
    Patron.objects.filter(pk=51).update(userid="kohapay_kiosk")
    first, second = credentials_from(create_demo_api_key()), credentials_from(create_demo_api_key())
    assert first.client_id != second.client_id
    assert list(ApiKey.objects.values_list("client_id", flat=True)) == [second.client_id]


def _discovery_answers(lines) -> list[int]:
    """GET every discovery curl the demo prints (registers, the patron's account)."""
    api = bearer_client(get_token(credentials_from(lines)))
    urls = [re.search(r"http://127\.0\.0\.1:8000(\S+)", line).group(1) for line in lines
            if "curl -s" in line and "/oauth/" not in line and " -d " not in line]
    assert [url.rsplit("/", 1)[-1] for url in urls] == ["cash_registers", "account"]
    return [api.get(url).status_code for url in urls]


def test_the_demo_shows_the_discovery_calls_and_they_answer(koha):
    """Printed before the payment, with the same token: the kiosk's registers and what the
    patron owes — for the demo's Koha key (its owner as seed_demo makes it) and its client."""
    from demo.catalogue import KIOSK_FLAGS

    Patron.objects.filter(pk=51).update(userid="kohapay_kiosk", flags=KIOSK_FLAGS)
    SystemPreference.objects.update_or_create(variable="RESTOAuth2ClientCredentials",
                                              defaults={"value": "1"})
    key_lines = create_demo_api_key()
    assert _discovery_answers(key_lines) == [200, 200]
    assert _discovery_answers(create_demo_client()) == [200, 200]
    order = [line for line in key_lines if "curl -s" in line]
    assert "/cash_registers" in order[1] and order[-1].endswith("}'")  # discover, then pay


def test_the_demo_leaves_fines_and_its_printed_example_pays_them(koha):
    Patron.objects.filter(pk=51).update(userid="kohapay_kiosk", flags=1 << 10)
    SystemPreference.objects.update_or_create(variable="RESTOAuth2ClientCredentials",
                                              defaults={"value": "1"})
    assert fines.leave_fines(timezone.now(), per_library=4) > 0
    owing = fines.owing_patrons("CPL", 4)
    assert 42 in owing
    fine = AccountLine.objects.get(patron_id=42, amountoutstanding__gt=0)
    assert (fine.debit_type_id, fine.status, fine.interface, fine.manager_id) == (
        "OVERDUE", "RETURNED", "cron", None)
    lines = create_demo_api_key()
    pay_fines = next(line for line in lines if "account_lines_ids" in line)
    path = re.search(r"http://127\.0\.0\.1:8000(\S+)", pay_fines).group(1)
    body = json.loads(re.search(r"-d '(\{.*\})'", pay_fines).group(1))
    assert body["account_lines_ids"] == [fine.pk]
    response = bearer_client(get_token(credentials_from(lines))).post(path, body, format="json")
    assert response.status_code == 201, response.content
    fine.refresh_from_db()
    assert fine.amountoutstanding == 0
def test_the_demo_shows_a_sale_and_it_is_recorded(koha):
    """Last, a sale to a visitor at the same register, with the same token: Koha's point of sale
    rows, no patron — for the demo's Koha key (its owner holds cash_management) and its client."""
    from demo.catalogue import KIOSK_FLAGS

    Patron.objects.filter(pk=51).update(userid="kohapay_kiosk", flags=KIOSK_FLAGS)
    SystemPreference.objects.update_or_create(variable="RESTOAuth2ClientCredentials",
                                              defaults={"value": "1"})
    for lines in (create_demo_api_key(), create_demo_client()):
        curl = [line for line in lines if "curl -s" in line][-1]
        path = re.search(r"http://127\.0\.0\.1:8000(\S+)", curl).group(1)
        assert path == "/api/v1/cash_registers/1/sales"
        body = json.loads(re.search(r"-d '(\{.*\})'", curl).group(1))
        response = bearer_client(get_token(credentials_from(lines))).post(path, body,
                                                                         format="json")
        assert response.status_code == 201, response.content
        credit = AccountLine.objects.get(pk=response.json()["sale_id"])
        assert (credit.credit_type_id, credit.patron_id, credit.register_id) == (
            "PURCHASE", None, 1)
