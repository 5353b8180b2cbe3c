"""Koha staff sessions (core.staff_sessions): Koha's idle timeout, and the re-check against Koha
at least every KOHAPAY_KOHA_RECHECK_SECONDS — a password changed, a userid renamed, a patron
deleted, a permission removed, a lock, an expired password end the session at the next request
after the window, with a sentence on the login page saying why."""
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.staff_login import koha_today
from core.staff_sessions import SESSION_KEY
from koha.identity import passwords
from koha.models import Patron, UserPermission
from tests.conftest import KOHA_PASSWORD
from tests.helpers import log_in, set_preference

PAGE = "/registers/1/"


@pytest.fixture
def recheck_always(settings):
    settings.KOHAPAY_KOHA_RECHECK_SECONDS = 0
    return settings


def ended(client, reason: str) -> bool:
    """The next page sends to the login page, which says why; the session is gone."""
    response = client.get(PAGE)
    if response.status_code != 302 or response["Location"] != f"/accounts/login/?next={PAGE}":
        return False
    login_page = client.get(response["Location"]).content.decode()
    return reason in login_page and "_auth_user_id" not in client.session


def test_a_live_session_goes_on_and_is_rechecked(koha, koha_client, recheck_always):
    for _ in range(3):
        assert koha_client.get(PAGE).status_code == 200


@pytest.mark.parametrize("change, reason", [
    (lambda p: Patron.objects.filter(pk=p.pk).update(password=passwords.koha_hash("new one")),
     "Your password was changed in Koha"),
    (lambda p: Patron.objects.filter(pk=p.pk).update(userid="officer2"),
     "Your Koha username has changed"),
    (lambda p: Patron.objects.filter(pk=p.pk).delete(), "Your Koha account no longer exists"),
    (lambda p: Patron.objects.filter(pk=p.pk).update(flags=1 << 2),  # catalogue only
     "no longer has the permission to see cash registers"),
    (lambda p: Patron.objects.filter(pk=p.pk).update(login_attempts=-1),
     "Your Koha account is locked"),
    (lambda p: Patron.objects.filter(pk=p.pk).update(password_expiration_date=koha_today()),
     "Your Koha password has expired: change it in Koha"),
], ids=["password changed", "userid renamed", "patron deleted", "permission removed", "locked",
        "password expired"])
def test_a_change_in_koha_ends_the_session_at_the_next_request(koha, koha_client, koha_officer,
                                                               recheck_always, change, reason):
    assert koha_client.get(PAGE).status_code == 200
    if reason == "Your Koha account no longer exists":
        UserPermission.objects.filter(borrowernumber=koha_officer.pk).delete()

    change(koha_officer)

    assert ended(koha_client, reason)


def test_the_lockout_preference_reached_elsewhere_ends_the_session(koha, koha_client,
                                                                   koha_officer, recheck_always):
    set_preference("FailedLoginAttempts", "3")
    Patron.objects.filter(pk=koha_officer.pk).update(login_attempts=3)  # three wrong, in Koha
    assert ended(koha_client, "Your Koha account is locked")


def test_koha_is_asked_again_only_after_the_window(koha, koha_client, koha_officer, settings):
    assert settings.KOHAPAY_KOHA_RECHECK_SECONDS == 60
    Patron.objects.filter(pk=koha_officer.pk).update(password=passwords.koha_hash("new one"))

    with CaptureQueriesContext(connection) as captured:
        assert koha_client.get(PAGE).status_code == 200  # within the minute: the stored answer
    koha_identity = ("`userflags`", "`user_permissions`", "`systempreferences`")
    assert not [q for q in captured if any(table in q["sql"] for table in koha_identity)]

    _age_session(koha_client, checked=61)
    assert ended(koha_client, "Your password was changed in Koha")


def test_a_removed_superlibrarian_loses_the_admin_at_the_recheck(koha, client, recheck_always):
    from tests.factories import koha_staff

    chief = koha_staff("chief", KOHA_PASSWORD, modules=["superlibrarian"], library=koha.cpl)
    assert log_in(client, "chief", KOHA_PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200

    Patron.objects.filter(pk=chief.pk).update(flags=(1 << 2) | (1 << 25))  # a finance officer now

    assert client.get("/registers/").status_code == 200
    assert client.get("/admin/").status_code == 302
    user = User.objects.get(koha_link__borrowernumber=chief.pk)
    assert not user.is_staff and not user.is_superuser


@pytest.mark.parametrize("timeout, idle, alive", [
    ("600", 599, True), ("600", 601, False), ("1h", 3599, True), ("1h", 3601, False),
    ("1d", 86399, True), ("1d", 86401, False),
])
def test_the_idle_timeout_is_kohas_timeout_preference(koha, client, koha_officer, timeout, idle,
                                                      alive):
    set_preference("timeout", timeout)
    assert log_in(client, "officer", KOHA_PASSWORD).status_code == 302

    _age_session(client, seen=idle, checked=idle)

    if alive:
        assert client.get(PAGE).status_code == 200
        assert client.session[SESSION_KEY]["seen"] > client.session[SESSION_KEY]["checked"] - 1
    else:
        idle_time = {"600": "10 minutes", "1h": "60 minutes", "1d": "24 hours"}[timeout]
        assert ended(client, f"Your session ended after {idle_time} without activity")


def test_activity_slides_the_idle_timeout(koha, client, koha_officer):
    set_preference("timeout", "600")
    assert log_in(client, "officer", KOHA_PASSWORD).status_code == 302
    _age_session(client, seen=500, checked=500)
    assert client.get(PAGE).status_code == 200  # re-checked: active now

    _age_session(client, seen=500, checked=0)
    assert client.get(PAGE).status_code == 200  # 500 s since the last activity, not 1000


def test_an_ended_session_answers_the_api_with_401_not_a_redirect(koha, koha_client,
                                                                  koha_officer, recheck_always):
    assert koha_client.get("/api/v1/cash_registers/1/daily_totals").status_code == 200
    Patron.objects.filter(pk=koha_officer.pk).update(login_attempts=-1)

    response = koha_client.get("/api/v1/cash_registers/1/daily_totals")

    assert response.status_code == 401 and response.json()["error_code"] == "unauthenticated"


def test_turning_koha_logins_off_ends_their_sessions(koha, koha_client, recheck_always):
    recheck_always.KOHAPAY_KOHA_LOGIN = False
    assert ended(koha_client, "Koha staff logins have been turned off")


def test_a_koha_backend_session_without_its_koha_state_is_never_trusted(koha, client,
                                                                        koha_officer):
    assert log_in(client, "officer", KOHA_PASSWORD).status_code == 302
    session = client.session
    del session[SESSION_KEY]
    session.save()

    assert ended(client, "Your session has ended")


def test_the_session_keeps_a_keyed_digest_never_the_hash(koha, koha_client, koha_officer):
    state = koha_client.session[SESSION_KEY]
    stored = Patron.objects.values_list("password", flat=True).get(pk=koha_officer.pk)
    assert stored not in str(dict(koha_client.session))
    assert len(state["fingerprint"]) == 64
    assert state["fingerprint"] != passwords.fingerprint(stored, "")  # keyed: not a plain digest


def _age_session(client, *, seen: float = 0, checked: float = 0) -> None:
    """As if the session's last activity and Koha check were that many seconds ago."""
    session = client.session
    state = session[SESSION_KEY]
    state["seen"] -= seen
    state["checked"] -= checked
    session[SESSION_KEY] = state
    session.save()


@pytest.mark.parametrize("timeout, seconds", [("600", 600), ("1d", 86400)])
def test_the_session_row_lives_by_kohas_timeout_and_the_cookie_ends_with_the_browser(
        koha, client, koha_officer, make_user, timeout, seconds):
    set_preference("timeout", timeout)
    assert log_in(client, "officer", KOHA_PASSWORD).status_code == 302

    row = Session.objects.get(session_key=client.session.session_key)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]

    assert abs((row.expire_date - timezone.now()).total_seconds() - seconds) < 30
    assert not cookie["max-age"] and not cookie["expires"]
    kohapay = Client()
    make_user("fiona", "Finance staff", password="pw")
    assert log_in(kohapay, "fiona", "pw").status_code == 302
    kohapay_row = Session.objects.get(session_key=kohapay.session.session_key)
    assert abs((kohapay_row.expire_date - timezone.now()).total_seconds()
               - settings.SESSION_COOKIE_AGE) < 30  # kohapay's own users: as before
