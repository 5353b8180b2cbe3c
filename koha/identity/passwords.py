"""Koha's password and API-secret hashes, checked as ``C4::Auth::checkpw_hash`` checks them.

``borrowers.password`` and ``api_keys.secret`` hold bcrypt strings (``$2a$08$…``, made by
Perl's Crypt::Eksblowfish, which silently uses only the first 72 bytes of the UTF-8 password).
Older staff passwords may still be Koha's legacy MD5 form (base64 of the MD5 digest, without
padding); kohapay accepts those only when the operator says so (``KOHAPAY_KOHA_LEGACY_MD5``).
``!`` and NULL never match: Koha's "no login for this account".
"""
import base64
import hashlib
import hmac

import bcrypt

BCRYPT_LIMIT = 72
# A real cost-8 Koha hash of a random value nobody knows: checked against when there is no
# account, so an unknown user costs the same time as a wrong password.
DUMMY_HASH = b"$2a$08$qCwXPfw2baWCj7LArmmH.emOHTqiNyfwjyEDLEkUp5U9OLuIP/rNK"


def _bcrypt_input(password: str) -> bytes:
    return password.encode("utf-8")[:BCRYPT_LIMIT]


def matches(password: str, stored: str | None, *, legacy_md5: bool = False) -> bool:
    """Whether ``password`` is the one ``stored`` was made from, as Koha decides it."""
    if stored is None or stored == "!" or stored == "":
        return False
    if stored.startswith("$2"):
        try:
            return bcrypt.checkpw(_bcrypt_input(password), stored.encode("ascii"))
        except ValueError:  # not a well-formed bcrypt string: Koha's own check fails too
            return False
    if not legacy_md5:
        return False
    digest = base64.b64encode(hashlib.md5(password.encode("utf-8")).digest()).decode().rstrip("=")
    return hmac.compare_digest(digest, stored)


def spend_a_check(password: str) -> None:
    """Cost what a bcrypt check costs, for an identifier with no account behind it."""
    bcrypt.checkpw(_bcrypt_input(password), DUMMY_HASH)


def koha_hash(password: str, rounds: int = 8) -> str:
    """A hash as Koha's ``hash_password`` writes it (``$2a$08$``): for test and demo data only —
    kohapay never writes a password into Koha."""
    return bcrypt.hashpw(_bcrypt_input(password), bcrypt.gensalt(rounds, prefix=b"2a")).decode()


def fingerprint(stored: str | None, key: str) -> str:
    """A keyed digest of the stored hash: kept in a kohapay session so that a password changed in
    Koha ends it, without the hash itself ever leaving Koha's table."""
    return hmac.new(key.encode(), (stored or "").encode(), hashlib.sha256).hexdigest()
