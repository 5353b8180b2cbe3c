"""The demo's Koha staff logins: printed userids and passwords that really log in (or are
refused, for the desk clerk without cash_management), reset on every run, and Koha's lockout
preference set to 5."""
import re

from django.test import Client

from demo.koha_staff import create_koha_staff_logins
from koha.models import Patron, SystemPreference
from tests.helpers import log_in, login_attempts


def logins(lines: list[str]) -> dict[str, str]:
    return dict(re.findall(r"userid: (\w+)\s+password: (\S+)", "\n".join(lines)))


def test_the_printed_koha_logins_work_as_their_permissions_say(koha):
    printed = logins(create_koha_staff_logins())
    assert set(printed) == {"finance_officer", "desk_clerk", "koha_admin"}
    assert SystemPreference.objects.get(variable="FailedLoginAttempts").value == "5"
    for userid in printed:
        assert Patron.objects.get(userid=userid).password.startswith("$2a$08$")

    officer = Client()
    assert log_in(officer, "finance_officer", printed["finance_officer"]).status_code == 302
    page = officer.get("/registers/")
    assert b"Front desk" in page.content and b"Midway desk" not in page.content  # CPL's only
    assert officer.get("/admin/").status_code == 302

    clerk = log_in(Client(), "desk_clerk", printed["desk_clerk"])
    assert clerk.status_code == 200 and b"may not see cash registers" in clerk.content

    admin = Client()
    assert log_in(admin, "koha_admin", printed["koha_admin"]).status_code == 302
    assert b"Midway desk" in admin.get("/registers/").content
    assert admin.get("/admin/").status_code == 200


def test_running_it_again_gives_new_passwords_and_unlocks(koha):
    first = logins(create_koha_staff_logins())
    for n in range(6):
        log_in(Client(), "finance_officer", f"wrong-{n}")
    officer = Patron.objects.get(userid="finance_officer")
    assert login_attempts(officer) == 5

    second = logins(create_koha_staff_logins())

    assert second["finance_officer"] != first["finance_officer"]
    assert login_attempts(officer) == 0 and Patron.objects.filter(userid="koha_admin").count() == 1
    assert log_in(Client(), "finance_officer", first["finance_officer"]).status_code == 200
    assert log_in(Client(), "finance_officer", second["finance_officer"]).status_code == 302
