"""koha.identity against Koha: the Perl-made golden hashes of koha-identity.md, a haspermission
truth table in the spirit of t/db_dependent/Auth/haspermission.t, Koha's lockout rule and the
counter updates, and the preferences' parsing."""
from datetime import date, timedelta

import pytest

from koha.identity import lockout, passwords, permissions
from koha.identity.libraries import can_log_into, dashboard_libraries
from koha.identity.permissions import KohaPermissions, for_patron
from koha.identity.preferences import IdentityPreferences, load, timeout_seconds
from koha.identity.staff import ANONYMOUS, EXPIRED, LOCKED, TWO_FACTOR, find
from koha.models import Patron, PermissionCode, SystemPreference
from koha.schema.reference_data import install_reference_data
from tests.factories import koha_staff

# Made with Koha's recipe (Crypt::Eksblowfish::Bcrypt 0.009, Digest::MD5): koha-identity.md.
GOLDEN = [
    ("password", "$2a$08$0Y4l68TpSaXn14n46nPjkO3PN0sU8TggaGthuJijuwNmIORjEYk7m",
     "X03MO1qnZdYdgyfeuILPmQ"),
    ("Pässwörd€", "$2a$08$5Jc3Itbos/8y0/dUZgxCkOW7OreegxwiQgSNGKpffKHkntniVdl1i",
     "B3ODZjmgNhxCdV19SZqeRw"),
    ("a" * 72 + "EXTRA", "$2a$08$vWQYuEYYxVypPVgMKKWehe1Q5yuE0rDqFbfYrXVrhMcc9sZbPo9OW",
     "TZ0vtqQTTbXRPC9aeDRwFQ"),
    ("", "$2a$08$sDkbRd8pMvlmgbr.q2l0hO3a5P4O3hdRN8B/OxnGFKQk2h7R2ste.",
     "1B2M2Y8AsgTpgAmY7PhCfg"),
    ("123e4567-e89b-12d3-a456-426614174000",
     "$2a$08$qCwXPfw2baWCj7LArmmH.emOHTqiNyfwjyEDLEkUp5U9OLuIP/rNK", None),
]


@pytest.mark.parametrize("password, bcrypt_hash, md5", GOLDEN)
def test_golden_vectors_made_by_koha_verify(password, bcrypt_hash, md5):
    assert passwords.matches(password, bcrypt_hash)
    # one more character changes the password, unless it falls past bcrypt's 72 bytes
    assert passwords.matches(password + "x", bcrypt_hash) is (len(password.encode()) >= 72)
    assert not passwords.matches("wrong", bcrypt_hash)
    if md5 is not None:
        assert passwords.matches(password, md5, legacy_md5=True)
        assert not passwords.matches(password, md5)  # legacy MD5 only when the operator allows it
        assert not passwords.matches("wrong", md5, legacy_md5=True)


def test_a_password_is_cut_at_72_bytes_of_utf8_as_perl_cuts_it():
    stored = GOLDEN[2][1]
    assert passwords.matches("a" * 72, stored)
    assert passwords.matches("a" * 72 + "anything else", stored)
    assert not passwords.matches("a" * 71, stored)
    # 71 × a + "é" is 73 bytes: the cut falls inside the "é" and keeps its first byte
    assert not passwords.matches("a" * 71 + "é", stored)


@pytest.mark.parametrize("stored", [None, "", "!", "$2a$08$short", "not-a-hash"])
def test_no_password_never_matches(stored):
    for candidate in ("", "!", "password"):
        assert not passwords.matches(candidate, stored, legacy_md5=True)


def test_kohapay_writes_hashes_in_kohas_own_format():
    made = passwords.koha_hash("Pässwörd€")
    assert made.startswith("$2a$08$") and len(made) == 60
    assert passwords.matches("Pässwörd€", made)


def test_a_fingerprint_changes_with_the_hash_and_hides_it():
    one = passwords.fingerprint(GOLDEN[0][1], "k")
    assert one == passwords.fingerprint(GOLDEN[0][1], "k")
    assert one != passwords.fingerprint(GOLDEN[1][1], "k")
    assert one != passwords.fingerprint(GOLDEN[0][1], "other key")
    assert GOLDEN[0][1] not in one


# --- haspermission ---------------------------------------------------------------------------

CASHIER = KohaPermissions({
    "superlibrarian": 0, "catalogue": 1, "tools": {"edit_news": 1, "label_creator": 1},
    "cash_management": {"cashup": 1}, "updatecharges": 0, "borrowers": 1,
})
SUPER = KohaPermissions({"superlibrarian": 1, "catalogue": 0})
# t/db_dependent/Auth/haspermission.t's second borrower: circulate, catalogue and acquisition by
# bit, two granular tools permissions.
BORROWER2 = KohaPermissions({
    "superlibrarian": 0, "circulate": 1, "catalogue": 1, "acquisition": 1, "updatecharges": 0,
    "serials": 0, "editcatalogue": 0,
    "tools": {"upload_local_cover_images": 1, "batch_upload_patron_images": 1},
})


@pytest.mark.parametrize("required, expected", [
    # the cases of t/db_dependent/Auth/haspermission.t, in its order
    ("circulate", True), ("updatecharges", False),
    ({"circulate": 1, "catalogue": 1}, True), ({"updatecharges": 1}, False),
    ({"tools": 1}, False), ({"acquisition": "*"}, True), ({"tools": "*"}, True),
    ({"serials": "*"}, False), ({"acquisition": "budget_manage"}, True),
    ({"acquisition": "budget_manage", "tools": "edit_news"}, False),
    ({"tools": {"upload_local_cover_images": 1, "batch_upload_patron_images": 1}}, True),
    ({"tools": {"upload_local_cover_images": 1, "edit_news": 1}}, False),
    ({"tools": ["upload_local_cover_images", "edit_news"]}, True),
    (["circulate", "updatecharges"], True), (["updatecharges", "serials"], False),
    (["tools"], False),  # in a list, a module name needs the whole module…
    ("tools", True),     # … while alone it is satisfied by any part of it: Koha's own quirk
    ([{"acquisition": "*"}], True), ([{"tools": "*"}], True), ([{"serials": "*"}], False),
    ([{"acquisition": "budget_manage"}], True),
    ([{"acquisition": "budget_manage"}, {"tools": "edit_news"}], True),
    ([{"tools": ["upload_local_cover_images"]}, {"tools": ["edit_news"]}], True),
    ({"nosuchmodule": 1}, False), ({"nosuchmodule": "*"}, False),
])
def test_haspermission_as_kohas_own_test_has_it(required, expected):
    assert BORROWER2.allows(required) is expected


@pytest.mark.parametrize("required, expected", [
    ({"catalogue": 1}, True),
    ({"tools": "edit_news"}, True),
    ({"tools": "export_catalog"}, False),
    ({"borrowers": "edit_borrowers"}, True),          # a whole module grants every code
    ({"borrowers": {"edit_borrowers": 1, "delete_borrowers": 1}}, True),
    ({"borrowers": ["edit_borrowers"]}, True),
    ({"cash_management": ["cashup", "anonymous_refund"]}, True),
    ({"cash_management": ["anonymous_refund", "takepayment"]}, False),
    ({"updatecharges": ["remaining_permissions"]}, False),
    ({"catalogue": 1, "cash_management": "cashup"}, True),
    ({"catalogue": 1, "cash_management": "takepayment"}, False),
    (permissions.VIEW_REGISTERS, True),
    (permissions.CASHUP, True),
    (permissions.RECORD_PAYMENT, False),
    (permissions.SELL, False),
    (permissions.SEE_PATRONS, True),
])
def test_kohapays_requirements(required, expected):
    assert CASHIER.allows(required) is expected


@pytest.mark.parametrize("required", [
    {"updatecharges": "remaining_permissions"}, {"tools": 1}, {"nosuchmodule": "x"}, ["tools"],
    permissions.CASHUP, permissions.SELL, permissions.VIEW_REGISTERS,
])
def test_a_superlibrarian_has_everything(required):
    assert SUPER.allows(required)


@pytest.mark.django_db
def test_permissions_are_read_as_getuserflags_reads_them():
    install_reference_data()
    staff = koha_staff("cashier", modules=["catalogue", "borrowers"],
                       codes=[("cash_management", "cashup"), ("tools", "edit_news"),
                              ("borrowers", "edit_borrowers")])
    found = for_patron(staff.userid, staff.flags, staff.pk)
    assert found.modules["catalogue"] == 1
    assert found.modules["borrowers"] == 1  # the whole module wins over its own rows
    assert found.modules["cash_management"] == {"cashup": 1}
    assert found.modules["tools"] == {"edit_news": 1}
    assert found.modules["updatecharges"] == 0
    assert found.allows(permissions.VIEW_REGISTERS)
    assert not found.allows(permissions.RECORD_PAYMENT)


@pytest.mark.django_db
def test_defaulton_grants_a_module_to_everyone_and_bit_32_needs_64_bits():
    install_reference_data()
    from koha.models import UserFlag
    UserFlag.objects.filter(flag="catalogue").update(defaulton=1)
    staff = koha_staff("nobody")
    assert for_patron(staff.userid, staff.flags, staff.pk).allows({"catalogue": 1})
    debug = koha_staff("debugger", modules=["debug"])
    assert debug.flags == 1 << 32
    assert for_patron(debug.userid, debug.flags, debug.pk).allows({"debug": 1})
    assert not for_patron(debug.userid, debug.flags, debug.pk).allows({"parameters": 1})


@pytest.mark.django_db
def test_a_patron_without_userid_has_no_permissions_as_in_koha():
    install_reference_data()
    staff = koha_staff("owner", modules=["superlibrarian"])
    Patron.objects.filter(pk=staff.pk).update(userid=None)
    assert not find(borrowernumber=staff.pk).permissions.allows({"catalogue": 1})


@pytest.mark.django_db
def test_a_row_naming_a_code_koha_does_not_define_grants_nothing():
    install_reference_data()
    staff = koha_staff("cashier", codes=[("cash_management", "cashup")])
    PermissionCode.objects.filter(module_bit=25, code="cashup").delete()  # cascades in MariaDB
    assert not for_patron(staff.userid, staff.flags, staff.pk).allows(permissions.CASHUP)


# --- lockout ---------------------------------------------------------------------------------

@pytest.mark.parametrize("attempts, preference, locked", [
    (0, "", False), (5, "", False), (5, "0", False),
    (2, "3", False), (3, "3", True), (4, "3", True),
    (-1, "", True), (-1, "3", True),                  # an administrator's lock, whatever the pref
    (0, "3", False), (1, "1", True), (2, "3 attempts", False), (3, "3 attempts", True),
])
def test_account_locked_is_kohas_rule(attempts, preference, locked):
    assert lockout.is_locked(attempts, preference) is locked


@pytest.mark.django_db
def test_the_counter_updates_never_touch_an_administrative_lock():
    install_reference_data()
    staff = koha_staff("clerk")
    lockout.count_failure(staff.pk)
    lockout.count_failure(staff.pk)
    assert Patron.objects.get(pk=staff.pk).login_attempts == 2
    lockout.reset(staff.pk)
    assert Patron.objects.get(pk=staff.pk).login_attempts == 0
    Patron.objects.filter(pk=staff.pk).update(login_attempts=-1)
    lockout.count_failure(staff.pk)
    lockout.reset(staff.pk)
    assert Patron.objects.get(pk=staff.pk).login_attempts == -1


# --- refusals, preferences, libraries ------------------------------------------------------

PREFS = IdentityPreferences(client_credentials=True, failed_login_attempts="3",
                            independent_branches=False, anonymous_patron=None,
                            two_factor="disabled", timeout_seconds=600)


@pytest.mark.django_db
def test_kohas_refusals_whatever_the_password():
    install_reference_data()
    today = date(2026, 12, 6)
    staff = koha_staff("clerk")
    member = find(userid="clerk")
    assert member.refusal(PREFS, today) is None
    assert find(userid="nobody") is None
    Patron.objects.filter(pk=staff.pk).update(login_attempts=3)
    assert find(userid="clerk").refusal(PREFS, today) == LOCKED
    Patron.objects.filter(pk=staff.pk).update(login_attempts=0, password_expiration_date=today)
    assert find(userid="clerk").refusal(PREFS, today) == EXPIRED
    Patron.objects.filter(pk=staff.pk).update(password_expiration_date=today + timedelta(days=1))
    assert find(userid="clerk").refusal(PREFS, today) is None
    anonymous = IdentityPreferences(**{**PREFS.__dict__, "anonymous_patron": staff.pk})
    assert find(userid="clerk").refusal(anonymous, today) == ANONYMOUS
    enabled = IdentityPreferences(**{**PREFS.__dict__, "two_factor": "enabled"})
    assert find(userid="clerk").refusal(enabled, today) is None
    Patron.objects.filter(pk=staff.pk).update(auth_method="two-factor")
    assert find(userid="clerk").refusal(enabled, today) == TWO_FACTOR
    Patron.objects.filter(pk=staff.pk).update(auth_method="password")
    enforced = IdentityPreferences(**{**PREFS.__dict__, "two_factor": "enforced"})
    assert find(userid="clerk").refusal(enforced, today) == TWO_FACTOR


@pytest.mark.parametrize("value, seconds", [
    ("1d", 86400), ("2D", 172800), ("3h", 10800), ("900", 900), ("", 600), ("0", 600),
    ("soon", 600), (None, 600), ("1.5h", 600),
])
def test_timeout_is_read_as_koha_reads_it(value, seconds):
    assert timeout_seconds(value) == seconds


@pytest.mark.django_db
def test_preferences_load_with_kohas_defaults():
    install_reference_data()
    SystemPreference.objects.filter(variable="timeout").delete()
    SystemPreference.objects.filter(variable="TwoFactorAuthentication").update(value="1")
    SystemPreference.objects.filter(variable="AnonymousPatron").update(value="42")
    prefs = load()
    assert prefs.timeout_seconds == 86400  # Koha's default '1d' when the row is missing
    assert prefs.two_factor == "enabled"  # Koha 22.05's yes/no form
    assert prefs.anonymous_patron == 42
    assert prefs.client_credentials is False


@pytest.mark.parametrize("independent, who, home, branch, allowed", [
    (False, CASHIER, "A", "B", True),
    (True, CASHIER, "A", "B", False),
    (True, CASHIER, "A", "A", True),
    (True, SUPER, "A", "B", True),
])
def test_can_log_into(independent, who, home, branch, allowed):
    prefs = IdentityPreferences(**{**PREFS.__dict__, "independent_branches": independent})
    assert can_log_into(who, home, branch, prefs) is allowed


def test_dashboard_libraries():
    roaming = KohaPermissions({**CASHIER.modules, "loggedinlibrary": 1})
    independent = IdentityPreferences(**{**PREFS.__dict__, "independent_branches": True})
    assert dashboard_libraries(SUPER, "A", independent) is None
    assert dashboard_libraries(CASHIER, "A", PREFS) == {"A"}
    assert dashboard_libraries(roaming, "A", PREFS) is None
    assert dashboard_libraries(roaming, "A", independent) == {"A"}

