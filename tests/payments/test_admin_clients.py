"""Admin smoke tests: superusers manage clients (secret shown once); other staff see nothing."""
import re

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client

from payments.models import ApiClient
from tests.helpers import bearer_client, get_token, payments_url


@pytest.fixture
def superuser_browser(db):
    User.objects.create_superuser("root", "root@example.org", "pw")
    browser = Client()
    browser.login(username="root", password="pw")
    return browser


@pytest.mark.parametrize("url", [
    "/admin/payments/apiclient/", "/admin/payments/apiclient/add/",
    "/admin/payments/intake/",
])
def test_admin_pages_render_for_superusers(superuser_browser, kiosk, pay, url):
    pay()
    assert superuser_browser.get(url).status_code == 200


def test_change_pages_render(superuser_browser, kiosk, pay):
    pay()
    intake = kiosk.client.intakes.get()
    assert superuser_browser.get(
        f"/admin/payments/apiclient/{kiosk.client.pk}/change/").status_code == 200
    assert superuser_browser.get(
        f"/admin/payments/intake/{intake.pk}/change/").status_code == 200


def test_adding_a_client_shows_its_secret_once(superuser_browser, koha):
    response = superuser_browser.post("/admin/payments/apiclient/add/", {
        "name": "Admin kiosk", "active": "on", "staff_patron": "51", "libraries": ["CPL"],
        "registers": ["1"],
    }, follow=True)
    assert response.status_code == 200
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    client_id, secret = re.search(r"client_id: (\S+) — client_secret: (\S+)", text).groups()
    client = ApiClient.objects.get(name="Admin kiosk")
    assert client.application.client_id == client_id
    assert client.application.client_secret != secret  # hashed at rest
    api = bearer_client(get_token(type("C", (), {"client_id": client_id,
                                                  "client_secret": secret})))
    assert api.get(payments_url()).status_code == 200


def test_register_outside_the_clients_libraries_is_refused(superuser_browser, koha):
    response = superuser_browser.post("/admin/payments/apiclient/add/", {
        "name": "Confused", "staff_patron": "51", "libraries": ["CPL"],
        "registers": [str(koha.other_register.id)],
    })
    assert response.status_code == 200 and b"must belong to one of the client" in response.content
    assert not ApiClient.objects.filter(name="Confused").exists()


def test_deactivating_in_the_admin_refuses_its_tokens(superuser_browser, kiosk, pay):
    response = superuser_browser.post(f"/admin/payments/apiclient/{kiosk.client.pk}/change/", {
        "name": kiosk.client.name, "staff_patron": "51", "libraries": ["CPL"],
    })
    assert response.status_code == 302
    assert pay().status_code == 401


def test_staff_without_superuser_cannot_see_clients(db, kiosk):
    User.objects.create_user("clerk", password="pw", is_staff=True)
    browser = Client()
    browser.login(username="clerk", password="pw")
    assert browser.get("/admin/payments/apiclient/").status_code == 403
    assert browser.get("/admin/payments/intake/").status_code == 403
