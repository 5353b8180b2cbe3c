"""Koha staff logins on the dashboard's login page (core.staff_login, core.backends): Koha's checks
in Koha's order, its lockout counter, one answer for every refusal that must not tell accounts
apart, the Django user that stands for the patron, and kohapay's own users beside them.
Cases in the spirit of Koha's t/db_dependent/Auth.t ("checkpw lockout tests", "Check value of
login_attempts in checkpw", "Two-factor authentication", "If DB user is used")."""
import base64
import re
import time
from datetime import timedelta

import bcrypt
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from core import staff_login
from core.models import KohaStaffLink
from core.staff_login import koha_today
from koha.identity import passwords
from koha.models import Patron
from registers.access import ensure_groups
from tests.conftest import FINANCE_OFFICER, KOHA_PASSWORD
from tests.factories import koha_staff
from tests.helpers import SAME_ANSWER, log_in, login_attempts, run_in_threads, set_preference

pytestmark = pytest.mark.django_db


def refused(response, sentence: str = SAME_ANSWER) -> bool:
    return response.status_code == 200 and sentence in response.content.decode()


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- the right password ------------------------------------------------------------------------


def test_a_koha_officer_logs_in_as_a_linked_user_with_a_new_session_key(koha, client,
                                                                         koha_officer):
    before = client.session
    before["probe"] = 1
    before.save()

    response = log_in(client, "officer", KOHA_PASSWORD)

    assert response.status_code == 302 and response["Location"] == "/registers/"
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before.session_key
    link = KohaStaffLink.objects.select_related("user").get(borrowernumber=koha_officer.pk)
    user = link.user
    assert (user.username, link.userid) == (f"koha-{koha_officer.pk}", "officer")
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name, user.email) == ("Olive", "Officer",
                                                            "olive@library.example")
    assert not user.is_staff and not user.is_superuser
    assert not user.groups.exists() and not user.user_permissions.exists()
    page = client.get("/registers/")
    assert page.status_code == 200 and b'<span class="role">Koha staff</span>' in page.content
    assert client.get("/admin/").status_code == 302  # the admin is for superlibrarians


def test_a_second_login_reuses_the_link_and_copies_koha_again(koha, koha_officer):
    assert log_in(Client(), "officer", KOHA_PASSWORD).status_code == 302
    Patron.objects.filter(pk=koha_officer.pk).update(surname="Married-Name", email=None)

    assert log_in(Client(), "officer", KOHA_PASSWORD).status_code == 302

    user = KohaStaffLink.objects.get(borrowernumber=koha_officer.pk).user
    assert (user.last_name, user.email) == ("Married-Name", "")
    shadows = User.objects.filter(username__startswith="koha-")
    assert KohaStaffLink.objects.count() == shadows.count() == 1


def test_a_superlibrarian_gets_the_admin_but_never_a_password_hash(koha, client):
    chief = koha_staff("chief", KOHA_PASSWORD, modules=["superlibrarian"], library=koha.mpl)

    assert log_in(client, "chief", KOHA_PASSWORD).status_code == 302

    user = User.objects.get(koha_link__userid="chief")
    assert user.is_staff and user.is_superuser
    assert client.get("/admin/").status_code == 200
    assert b'<span class="role">Koha superlibrarian</span>' in client.get("/registers/").content
    patron_page = client.get(f"/admin/koha/patron/{chief.pk}/change/")
    assert patron_page.status_code == 200 and b"chief" in patron_page.content
    assert Patron.objects.get(pk=chief.pk).password.encode() not in patron_page.content


def test_the_admins_login_page_is_the_dashboards(koha, client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/admin/"


@pytest.mark.parametrize("grant", [
    {"modules": ["catalogue", "cash_management"]},
    {"modules": ["catalogue"], "codes": [("cash_management", "cashup")]},
    {"modules": ["catalogue"], "codes": [("cash_management", "anonymous_refund")]},
], ids=["whole module", "cashup", "anonymous_refund"])
def test_kohas_register_permission_lets_in(koha, client, grant):
    koha_staff("cashier", KOHA_PASSWORD, library=koha.cpl, **grant)
    assert log_in(client, "cashier", KOHA_PASSWORD).status_code == 302
    assert client.get("/registers/").status_code == 200


# --- refusals ---------------------------------------------------------------------------------


NO_PERMISSION = "Your Koha account may not see cash registers"


@pytest.mark.parametrize("grant", [
    {"modules": ["catalogue", "circulate"], "codes": [("borrowers", "edit_borrowers")]},
    {"modules": ["cash_management"]},  # Koha's POS pages, but not its staff interface
    {"modules": ["catalogue"], "codes": [("cash_management", "takepayment")]},
], ids=["desk clerk", "no catalogue", "takepayment only"])
def test_staff_without_the_register_permission_are_refused_and_told_why(koha, client, grant):
    clerk = koha_staff("clerk", KOHA_PASSWORD, library=koha.cpl, **grant)
    Patron.objects.filter(pk=clerk.pk).update(login_attempts=2)

    response = log_in(client, "clerk", KOHA_PASSWORD)

    assert refused(response, NO_PERMISSION) and not logged_in(client)
    assert login_attempts(clerk) == 0  # the password was right: Koha resets the counter


def test_one_answer_for_unknown_wrong_locked_no_password_and_the_anonymous_patron(koha):
    koha_staff("wrong", KOHA_PASSWORD, library=koha.cpl, **FINANCE_OFFICER)
    koha_staff("locked", KOHA_PASSWORD, library=koha.cpl, login_attempts=-1, **FINANCE_OFFICER)
    koha_staff("nohash", None, library=koha.cpl, **FINANCE_OFFICER)
    bang = koha_staff("bang", KOHA_PASSWORD, library=koha.cpl, **FINANCE_OFFICER)
    Patron.objects.filter(pk=bang.pk).update(password="!")
    anonymous = koha_staff("anon", KOHA_PASSWORD, library=koha.cpl, **FINANCE_OFFICER)
    set_preference("AnonymousPatron", str(anonymous.pk))
    attempts = {"nobody": KOHA_PASSWORD, "wrong": "not-it", "locked": KOHA_PASSWORD,
                "nohash": KOHA_PASSWORD, "bang": "!", "anon": KOHA_PASSWORD}

    answers = {}
    for userid, password in attempts.items():
        response = log_in(Client(), userid, password)
        assert refused(response), userid
        answers[userid] = re.findall(r'<div class="errors"[^>]*>.*?</div>',
                                     response.content.decode())

    assert list(answers.values()) == [[f'<div class="errors" role="alert">{SAME_ANSWER}</div>']] * 6
    assert not KohaStaffLink.objects.exists()


def test_the_lockout_sequence_is_kohas(koha, client, koha_officer):
    set_preference("FailedLoginAttempts", "3")

    assert refused(log_in(client, "officer", "wrong-1")) and login_attempts(koha_officer) == 1
    assert refused(log_in(client, "officer", "wrong-2")) and login_attempts(koha_officer) == 2
    assert refused(log_in(client, "officer", "wrong-3")) and login_attempts(koha_officer) == 3
    # locked: the right password is refused, with the same answer, and counts no further
    assert refused(log_in(client, "officer", KOHA_PASSWORD)) and not logged_in(client)
    assert refused(log_in(client, "officer", "wrong-4"))
    assert login_attempts(koha_officer) == 3

    Patron.objects.filter(pk=koha_officer.pk).update(login_attempts=2)  # below the limit again
    assert log_in(client, "officer", KOHA_PASSWORD).status_code == 302
    assert login_attempts(koha_officer) == 0  # the right password resets the counter


def test_an_administrative_lock_holds_without_the_preference(koha, client, koha_officer):
    set_preference("FailedLoginAttempts", "")
    Patron.objects.filter(pk=koha_officer.pk).update(login_attempts=-1)

    assert refused(log_in(client, "officer", KOHA_PASSWORD))
    assert refused(log_in(client, "officer", "wrong"))
    assert login_attempts(koha_officer) == -1  # neither update touches it


def test_wrong_passwords_count_even_without_the_preference(koha, client, koha_officer):
    for n in range(1, 6):
        assert refused(log_in(client, "officer", f"wrong-{n}"))
    assert login_attempts(koha_officer) == 5
    assert log_in(client, "officer", KOHA_PASSWORD).status_code == 302


@pytest.fixture
def bcrypt_checks(monkeypatch):
    """Counts the bcrypt checks of a login (the library itself, not a database)."""
    calls = []
    real = bcrypt.checkpw

    def counting(password, hashed):
        calls.append(hashed)
        return real(password, hashed)

    monkeypatch.setattr(passwords.bcrypt, "checkpw", counting)
    return calls


def test_an_unknown_user_costs_one_bcrypt_check_like_a_known_one(koha, koha_officer,
                                                                 bcrypt_checks):
    koha_staff("nohash", None, library=koha.cpl, **FINANCE_OFFICER)

    log_in(Client(), "officer", "wrong")
    assert len(bcrypt_checks) == 1 and bcrypt_checks[0] != passwords.DUMMY_HASH
    for userid in ("nobody", "nohash"):
        bcrypt_checks.clear()
        log_in(Client(), userid, "anything")
        assert bcrypt_checks == [passwords.DUMMY_HASH], userid


def test_legacy_md5_hashes_only_when_the_operator_allows_them(koha, settings, koha_officer):
    # Koha 3.x's form of "password": base64 of its MD5, unpadded (koha-identity.md's vectors)
    Patron.objects.filter(pk=koha_officer.pk).update(password="X03MO1qnZdYdgyfeuILPmQ")

    assert refused(log_in(Client(), "officer", "password"))
    assert login_attempts(koha_officer) == 1  # to Koha without MD5, a wrong password

    settings.KOHAPAY_KOHA_LEGACY_MD5 = True
    assert refused(log_in(Client(), "officer", "not-password"))
    assert log_in(Client(), "officer", "password").status_code == 302
    assert login_attempts(koha_officer) == 0


def test_an_expired_password_is_sent_to_koha(koha, client, koha_officer):
    Patron.objects.filter(pk=koha_officer.pk).update(password_expiration_date=koha_today(),
                                                      login_attempts=1)

    response = log_in(client, "officer", KOHA_PASSWORD)

    assert refused(response, "Your Koha password has expired: change it in Koha")
    assert login_attempts(koha_officer) == 0 and not logged_in(client)
    assert refused(log_in(client, "officer", "wrong"))  # only the right password hears it
    Patron.objects.filter(pk=koha_officer.pk).update(
        password_expiration_date=koha_today() + timedelta(days=1))
    assert log_in(client, "officer", KOHA_PASSWORD).status_code == 302


TWO_FACTOR = "Koha requires two-factor authentication for this account"


@pytest.mark.parametrize("preference, auth_method, allowed", [
    ("disabled", "two-factor", True),
    ("enabled", "password", True),
    ("enabled", "two-factor", False),
    ("enforced", "password", False),
    ("enforced", "two-factor", False),
])
def test_two_factor_accounts_are_refused_as_kohapay_cannot_ask_for_a_code(
        koha, client, koha_officer, preference, auth_method, allowed):
    set_preference("TwoFactorAuthentication", preference)
    Patron.objects.filter(pk=koha_officer.pk).update(auth_method=auth_method)

    response = log_in(client, "officer", KOHA_PASSWORD)

    assert (response.status_code == 302) is allowed
    if not allowed:
        assert refused(response, TWO_FACTOR) and not logged_in(client)


def test_no_koha_login_at_all_when_the_operator_turns_them_off(koha, client, settings,
                                                               koha_officer, make_user):
    settings.KOHAPAY_KOHA_LOGIN = False
    make_user("outside-auditor", "Auditors", password="auditor-pw")

    page = client.get("/accounts/login/")
    response = log_in(client, "officer", KOHA_PASSWORD)

    assert b"Koha staff logins are turned off here" in page.content
    assert refused(response) and login_attempts(koha_officer) == 0  # Koha not even asked
    assert log_in(client, "outside-auditor", "auditor-pw").status_code == 302


def test_koha_does_not_log_its_database_account_in(koha, client):
    database_user = settings.DATABASES["default"]["USER"]
    koha_staff(database_user, KOHA_PASSWORD, library=koha.cpl, modules=["superlibrarian"])

    assert refused(log_in(client, database_user, KOHA_PASSWORD))


def test_kohapay_may_disable_a_koha_login_but_never_merge_it_with_its_own_user(koha, client,
                                                                             koha_officer):
    assert log_in(Client(), "officer", KOHA_PASSWORD).status_code == 302
    User.objects.filter(koha_link__borrowernumber=koha_officer.pk).update(is_active=False)
    assert refused(log_in(client, "officer", KOHA_PASSWORD),
                   "Your kohapay account has been disabled")

    other = koha_staff("second", KOHA_PASSWORD, library=koha.cpl, **FINANCE_OFFICER)
    User.objects.create_user(f"koha-{other.pk}", password="a kohapay user's own")
    assert refused(log_in(client, "second", KOHA_PASSWORD), "its user name is taken")
    assert not KohaStaffLink.objects.filter(borrowernumber=other.pk).exists()


# --- kohapay's own users beside Koha's ----------------------------------------------------------


def test_a_kohapay_users_right_password_never_counts_against_a_koha_namesake(koha, make_user):
    namesake = koha_staff("audrey", KOHA_PASSWORD, library=koha.cpl, **FINANCE_OFFICER)
    make_user("audrey", "Auditors", password="kohapay-pw")

    kohapay = Client()
    assert log_in(kohapay, "audrey", "kohapay-pw").status_code == 302
    assert login_attempts(namesake) == 0
    assert b'<span class="role">Auditor</span>' in kohapay.get("/registers/").content

    assert refused(log_in(Client(), "audrey", "neither"))
    assert login_attempts(namesake) == 1  # a wrong password for the Koha account too


def test_a_linked_user_given_a_django_password_is_still_no_kohapay_user(koha, koha_officer):
    assert log_in(Client(), "officer", KOHA_PASSWORD).status_code == 302
    user = User.objects.get(koha_link__borrowernumber=koha_officer.pk)
    user.set_password("set-in-the-admin")
    user.save()
    user.groups.add(ensure_groups()["Finance staff"])

    assert refused(log_in(Client(), user.username, "set-in-the-admin"))
    api = Client().get("/api/v1/cash_registers/1/daily_totals",
                       HTTP_AUTHORIZATION="Basic " + _basic(user.username, "set-in-the-admin"))
    assert api.status_code == 401
    # and the next Koha login takes the Django password away again
    assert log_in(Client(), "officer", KOHA_PASSWORD).status_code == 302
    assert not User.objects.get(pk=user.pk).has_usable_password()


def test_koha_passwords_are_not_accepted_over_http_basic(koha, koha_officer):
    response = Client().get("/api/v1/cash_registers/1/daily_totals",
                            HTTP_AUTHORIZATION="Basic " + _basic("officer", KOHA_PASSWORD))
    assert response.status_code == 401
    assert login_attempts(koha_officer) == 0


def _basic(username: str, password: str) -> str:
    return base64.b64encode(f"{username}:{password}".encode()).decode()


# --- rate limits and bursts -------------------------------------------------------------------


def test_the_login_is_rate_limited_before_any_password_is_checked(one_minute_window, koha,
                                                                  settings, koha_officer,
                                                                  bcrypt_checks):
    settings.KOHAPAY_LOGIN_RATE = "3/min"
    client = Client()
    for n in range(3):
        assert refused(log_in(client, "officer", f"wrong-{n}"))

    limited = log_in(client, "officer", KOHA_PASSWORD)

    assert limited.status_code == 429 and 1 <= int(limited["Retry-After"]) <= 60
    assert b"Too many login attempts" in limited.content and not logged_in(client)
    assert login_attempts(koha_officer) == 3 and len(bcrypt_checks) == 3  # Koha never asked
    # per address: another username from here is refused too; per username: from elsewhere too
    assert log_in(client, "someone-else", "x").status_code == 429
    assert log_in(Client(REMOTE_ADDR="10.9.8.7"), "OFFICER", KOHA_PASSWORD).status_code == 429
    assert log_in(Client(REMOTE_ADDR="10.9.8.7"), "another", "x").status_code == 200


def test_a_burst_of_wrong_passwords_locks_exactly_as_koha_would(koha, client, koha_officer):
    set_preference("FailedLoginAttempts", "5")

    statuses = [log_in(client, "officer", f"wrong-{n}").status_code for n in range(8)]

    assert statuses == [200] * 8
    assert login_attempts(koha_officer) == 5  # counted up to the limit, then locked
    assert refused(log_in(client, "officer", KOHA_PASSWORD))


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_burst_locks_the_account_and_never_fails(koha):
    officer = koha_staff("officer", KOHA_PASSWORD, library=koha.cpl, **FINANCE_OFFICER)
    set_preference("FailedLoginAttempts", "5")

    statuses = run_in_threads(12, lambda n: log_in(Client(), "officer", f"wrong-{n}").status_code)

    assert statuses == [200] * 12
    assert 5 <= login_attempts(officer) <= 12  # as in Koha, attempts already under way count
    assert refused(log_in(Client(), "officer", KOHA_PASSWORD))


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_logins_make_one_linked_user(koha, monkeypatch):
    officer = koha_staff("officer", KOHA_PASSWORD, library=koha.cpl, **FINANCE_OFFICER)
    real_link_of = staff_login._link_of

    def slow_when_missing(borrowernumber):
        link = real_link_of(borrowernumber)
        if link is None:
            time.sleep(0.3)  # every thread finds no link before any of them makes one
        return link

    monkeypatch.setattr(staff_login, "_link_of", slow_when_missing)

    statuses = run_in_threads(6, lambda n: log_in(Client(), "officer", KOHA_PASSWORD).status_code)

    assert statuses == [302] * 6
    assert KohaStaffLink.objects.filter(borrowernumber=officer.pk).count() == 1
    assert User.objects.filter(username=f"koha-{officer.pk}").count() == 1
