"""Who may do what with the journal. Everyone who may read the dashboard reads mappings,
journals and postings (within their libraries); changes are finance staff's:

- **mappings and settings**: a Koha login holding ``parameters: manage_accounts`` (Koha's
  permission to administer debit and credit types, which is what a mapping extends), or a
  kohapay Finance staff user. Codes apply to every library: a kohapay user restricted to some
  libraries changes only those libraries' cost-centre overrides.
- **marking posted**: a Koha login holding ``cash_management: cashup`` (closing the books of a
  register), or a kohapay Finance staff user; a posting takes only the user's libraries.

Auditors (and anyone read-only on the dashboard) never write (``registers.access.is_read_only``).
"""
from koha.identity.permissions import CASHUP, MANAGE_ACCOUNTS
from journal.models import LIBRARY
from registers.access import can_view_dashboard, is_read_only, koha_access, library_codes


def _finance(user, koha_permission) -> bool:
    if not can_view_dashboard(user) or is_read_only(user):
        return False
    koha = koha_access(user)
    return koha is None or koha.permissions.allows(koha_permission)


def can_change_mappings(user) -> bool:
    return _finance(user, MANAGE_ACCOUNTS)


def can_change_mapping(user, kind: str, code: str) -> bool:
    """A library's override: that library must be the user's. Any other code applies everywhere:
    a Koha login may (Koha's ``manage_accounts`` is not limited by library), a kohapay user
    only without a library restriction."""
    if not can_change_mappings(user):
        return False
    codes = library_codes(user)
    if kind == LIBRARY:
        return codes is None or code in codes
    return koha_access(user) is not None or codes is None


def can_post(user) -> bool:
    return _finance(user, CASHUP)
