"""Which libraries a Koha staff member acts for (``Koha::Patron::can_log_into``,
``C4::Context::only_my_library``) — koha-identity.md §3.4.

Koha itself does not check a requested register against the user's library (its POS pages only
*offer* the logged-in library's registers); kohapay does, with the library Koha would let them
log into.
"""
from koha.identity.permissions import KohaPermissions
from koha.identity.preferences import IdentityPreferences


def can_log_into(permissions: KohaPermissions, home: str, branchcode: str,
                 prefs: IdentityPreferences) -> bool:
    """Koha's REST rule for acting in a library: any library unless ``IndependentBranches``;
    then only one's home library, unless superlibrarian."""
    if not prefs.independent_branches:
        return True
    return permissions.superlibrarian or branchcode == home


def dashboard_libraries(permissions: KohaPermissions, home: str,
                        prefs: IdentityPreferences) -> set[str] | None:
    """The libraries whose registers a staff member sees on the dashboard; None: every library.
    A superlibrarian sees all; so does a holder of ``loggedinlibrary`` (who may log into any
    library in Koha) while ``IndependentBranches`` is off; everyone else their home library."""
    if permissions.superlibrarian:
        return None
    if not prefs.independent_branches and permissions.allows({"loggedinlibrary": 1}):
        return None
    return {home}
