"""Managing a Koha API key's narrowing: ``manage.py api_key_scope`` (bad input is a clear error,
a non-zero exit — CommandError — and changes nothing) and the admin; deactivating a key's client
revokes its tokens only."""
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.test import Client

from koha.models import SystemPreference
from payments.models import ApiClient, KohaKeyToken
from payments.services.clients import set_client_active
from payments.services.koha_keys import get_key_scope
from tests.factories import koha_api_key, koha_staff
from tests.helpers import get_token


def scope_command(*args) -> str:
    out = StringIO()
    call_command("api_key_scope", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def key(koha_keys_on, key_owner):
    return koha_api_key(key_owner)


def scope_of(key) -> tuple:
    scope = get_key_scope(key.client_id)
    return scope and (scope.library_ids, scope.register_ids, scope.debit_type_codes)


def test_before_any_token_there_is_no_narrowing(key):
    assert "no narrowing (no token issued yet)" in scope_command(key.client_id)
    assert not ApiClient.objects.exists()


def test_setting_a_scope_before_the_first_token_makes_the_client_the_token_then_uses(key):
    out = scope_command(key.client_id, "--library", "CPL", "--register", "1",
                        "--debit-type", "PRINT")
    assert "libraries:   CPL" in out and "registers:   1" in out and "debit types: PRINT" in out
    get_token(key)
    client = ApiClient.objects.get()
    assert client.koha_client_id == key.client_id
    assert scope_of(key) == (["CPL"], [1], ["PRINT"])


def test_options_replace_the_whole_narrowing_and_clear_removes_it(key):
    scope_command(key.client_id, "--library", "CPL", "--register", "1", "--debit-type", "PRINT")
    scope_command(key.client_id, "--library", "MPL", "--library", "CPL")
    assert scope_of(key) == (["CPL", "MPL"], [], [])
    out = scope_command(key.client_id, "--clear")
    assert scope_of(key) == ([], [], []) and "libraries:   any" in out


def test_registers_alone_may_narrow_a_key(key, koha):
    scope_command(key.client_id, "--register", str(koha.other_register.pk))
    assert scope_of(key) == ([], [koha.other_register.pk], [])


@pytest.mark.parametrize("args, message", [
    (["--library", "NOPE"], "Unknown library: NOPE."),
    (["--library", "cpl"], "Unknown library: cpl."),  # Koha's codes, byte for byte
    (["--register", "999"], "No cash register has the id 999."),
    (["--debit-type", "NOPE"], "Unknown debit type: NOPE."),
    (["--library", "MPL", "--register", "1"],
     "Cash register 1 belongs to CPL, which is not one of the client's libraries."),
    (["--clear", "--library", "CPL"], "--clear takes no --library, --register or --debit-type."),
])
def test_bad_input_is_a_clear_error_and_changes_nothing(key, args, message):
    scope_command(key.client_id, "--library", "CPL", "--debit-type", "PRINT")
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        scope_command(key.client_id, *args)
    assert scope_of(key) == (["CPL"], [], ["PRINT"])


def test_an_unknown_client_id_is_an_error_and_makes_nothing(koha_keys_on, koha):
    for client_id in ("123e4567-e89b-12d3-a456-426614174000", ""):
        with pytest.raises(CommandError, match="No Koha API key has the client_id"):
            scope_command(client_id, "--library", "CPL")
    assert not ApiClient.objects.exists()


def test_a_client_id_in_another_case_is_not_the_key(key):
    with pytest.raises(CommandError, match="No Koha API key"):
        scope_command(key.client_id.upper(), "--library", "CPL")


def test_a_kohapay_clients_id_is_refused_with_where_to_go(kiosk):
    with pytest.raises(CommandError, match="is a kohapay API client, not a Koha API key"):
        scope_command(kiosk.credentials.client_id, "--library", "MPL")
    assert list(kiosk.client.libraries.values_list("pk", flat=True)) == ["CPL"]


def test_the_command_says_when_independent_branches_keeps_the_owner_home(key):
    SystemPreference.objects.filter(variable="IndependentBranches").update(value="1")
    out = scope_command(key.client_id, "--library", "MPL")
    assert "IndependentBranches is on: its owner acts at CPL only" in out


# --- the admin ---------------------------------------------------------------------------------
@pytest.fixture
def admin_browser(db):
    User.objects.create_superuser("root", "root@example.org", "pw")
    browser = Client()
    browser.login(username="root", password="pw")
    return browser


@pytest.fixture
def key_client(key):
    get_token(key)
    return ApiClient.objects.get(koha_client_id=key.client_id)


def test_the_admin_lists_and_shows_a_koha_keys_client(admin_browser, key_client, kiosk):
    listing = admin_browser.get("/admin/payments/apiclient/").content.decode()
    assert "Koha API key" in listing and "kohapay client" in listing
    assert key_client.koha_client_id in listing
    page = admin_browser.get(f"/admin/payments/apiclient/{key_client.pk}/change/")
    assert page.status_code == 200
    assert 'name="staff_patron"' not in page.content.decode()  # the owner is Koha's


def test_the_admin_narrows_a_key_and_may_leave_libraries_empty(admin_browser, key_client):
    url = f"/admin/payments/apiclient/{key_client.pk}/change/"
    response = admin_browser.post(url, {"name": key_client.name, "active": "on",
                                        "registers": ["1"], "debit_types": ["PRINT"]})
    assert response.status_code == 302, response.content.decode()[:2000]
    key_client.refresh_from_db()
    assert list(key_client.registers.values_list("pk", flat=True)) == [1]
    assert not key_client.libraries.exists()


def test_the_admin_still_wants_a_library_for_a_kohapay_client(admin_browser, koha):
    response = admin_browser.post("/admin/payments/apiclient/add/", {
        "name": "No library", "active": "on", "staff_patron": "51"})
    assert response.status_code == 200
    assert "A kohapay client needs at least one library." in response.content.decode()
    assert not ApiClient.objects.filter(name="No library").exists()


def test_rotating_a_koha_keys_secret_in_the_admin_is_refused(admin_browser, key_client):
    response = admin_browser.post("/admin/payments/apiclient/", {
        "action": "rotate_secret", "_selected_action": [key_client.pk]}, follow=True)
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "its secret is made (and revoked) in Koha" in text and "client_secret" not in text


def test_deactivating_a_keys_client_revokes_its_tokens_and_no_one_elses(key_client, kiosk, pay):
    set_client_active(key_client, False)
    assert not KohaKeyToken.objects.exists()
    assert pay().status_code == 201  # kohapay's own clients' tokens are untouched


def test_a_second_owner_of_a_key_with_the_same_description_gets_its_own_client(koha, key):
    other = koha_staff("other", codes=[("updatecharges", "remaining_permissions")],
                       library=koha.mpl)
    get_token(key)
    second = koha_api_key(other)
    get_token(second)
    owners = dict(ApiClient.objects.values_list("koha_client_id", "staff_patron_id"))
    assert owners == {key.client_id: key.key.patron_id, second.client_id: other.pk}
