"""koha.identity.api_keys: Koha's token-endpoint answers in Koha's order (Koha::REST::V1::OAuth
and the client check of Koha::OAuth), and a key owner's libraries as Koha's can_log_into; the
owner's permissions in one query."""
from itertools import product

import pytest

from koha.identity.api_keys import (
    ACCESS_DENIED,
    UNAUTHORIZED_CLIENT,
    UNIMPLEMENTED_GRANT_TYPE,
    KeyOwner,
    refusal,
)
from koha.identity.libraries import can_log_into
from koha.identity.permissions import KohaPermissions, for_patron
from koha.identity.preferences import IdentityPreferences
from koha.models import ApiKey
from koha.schema.reference_data import install_reference_data
from tests.factories import koha_staff

# The golden vector of koha-identity.md (an API secret's shape), hashed by Koha's own Perl library.
PLAIN = "123e4567-e89b-12d3-a456-426614174000"
STORED = "$2a$08$qCwXPfw2baWCj7LArmmH.emOHTqiNyfwjyEDLEkUp5U9OLuIP/rNK"


def key(active=True):
    return ApiKey(client_id="c", secret=STORED, description="", patron_id=1, active=active)


@pytest.mark.parametrize("enabled, grant_type, found, secret, expected", [
    (True, "client_credentials", key(), PLAIN, None),
    # Koha asks about the grant and the preference before it looks at the client…
    (False, "client_credentials", key(), PLAIN, UNIMPLEMENTED_GRANT_TYPE),
    (True, "password", key(), PLAIN, UNIMPLEMENTED_GRANT_TYPE),
    (True, None, None, None, UNIMPLEMENTED_GRANT_TYPE),
    # …then about the key, before its secret (no bcrypt for a revoked key)…
    (True, "client_credentials", None, PLAIN, UNAUTHORIZED_CLIENT),
    (True, "client_credentials", key(active=False), PLAIN, UNAUTHORIZED_CLIENT),
    (True, "client_credentials", key(active=False), "wrong", UNAUTHORIZED_CLIENT),
    # …then the secret.
    (True, "client_credentials", key(), "wrong", ACCESS_DENIED),
    (True, "client_credentials", key(), None, ACCESS_DENIED),
    (True, "client_credentials", key(), PLAIN.upper(), ACCESS_DENIED),
])
def test_kohas_answers_in_kohas_order(enabled, grant_type, found, secret, expected):
    assert refusal(enabled=enabled, grant_type=grant_type, key=found, secret=secret) == expected


def test_a_secret_koha_kept_in_clear_never_matches():
    plain = ApiKey(client_id="c", secret=PLAIN, description="", patron_id=1, active=True)
    assert refusal(enabled=True, grant_type="client_credentials", key=plain,
                   secret=PLAIN) == ACCESS_DENIED


def prefs(independent_branches: bool) -> IdentityPreferences:
    return IdentityPreferences(client_credentials=True, failed_login_attempts="",
                               independent_branches=independent_branches, anonymous_patron=None,
                               two_factor="disabled", timeout_seconds=600)


@pytest.mark.parametrize("independent, superlibrarian", product([False, True], repeat=2))
def test_a_key_owners_libraries_are_kohas_can_log_into(independent, superlibrarian):
    permissions = KohaPermissions({"superlibrarian": int(superlibrarian)})
    owner = KeyOwner(borrowernumber=1, userid="u", home_library="CPL", permissions=permissions)
    libraries = owner.libraries(independent_branches=independent)
    for branchcode in ("CPL", "MPL", "FPL"):
        allowed = libraries is None or branchcode in libraries
        assert allowed is can_log_into(permissions, "CPL", branchcode, prefs(independent))


@pytest.mark.django_db
def test_an_owners_permissions_are_read_in_one_query(django_assert_num_queries):
    install_reference_data()
    staff = koha_staff("clerk", modules=["catalogue"],
                       codes=[("updatecharges", "remaining_permissions")])
    with django_assert_num_queries(1):
        found = for_patron(staff.userid, staff.flags, staff.pk)
    assert found.modules["catalogue"] == 1
    assert found.modules["updatecharges"] == {"remaining_permissions": 1}
