"""The demo's finance journal (issue 19): mappings a finance office would set up, versioned as
the demo's Finance staff user, and yesterday's journal marked posted — so ``/registers/journal/``
shows today's takings still to post, yesterday's posting, and one code left unmapped (a
warning), within a minute of ``make run``. Written through ``journal.services``, as the
dashboard writes them."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import User

from journal import selectors, services
from journal.exceptions import JournalError
from journal.models import DEBIT_TYPE, LIBRARY, PAYMENT_TYPE
from koha.models import Library
from registers.selectors import DayRange, local_today

STANDARD, ZERO_RATED = Decimal("20"), Decimal("0")
# debit type → (income account, VAT rate). PHOTOCOPY and MANUAL are left unmapped on purpose:
# the journal lists them as warnings and books them to the default account until mapped.
INCOME = {
    "PRINT": ("4110", STANDARD), "PRINT_COLOUR": ("4110", STANDARD), "SCAN": ("4110", STANDARD),
    "ROOM_BOOKING": ("4200", STANDARD), "EARPHONES": ("4300", STANDARD),
    "USB_STICK": ("4300", STANDARD), "BOOK_SALE": ("4310", ZERO_RATED),
    "LOST_CARD": ("4400", ZERO_RATED), "NEW_CARD": ("4400", ZERO_RATED),
    "OVERDUE": ("4500", ZERO_RATED), "LOST": ("4510", ZERO_RATED),
    "PAYOUT": ("4590", ZERO_RATED), "CASHUP_DEFICIT": ("6900", ZERO_RATED),
}
CLEARING = {"CASH": "1010", "SIP00": "1010", "CARD": "1020", "SIP01": "1020", "SIP02": "1020"}


def seed_journal() -> int:
    """Map the demo's codes and post yesterday; the posting's number of lines (0: none)."""
    finance = User.objects.filter(username="finance").first()
    for code, (account, rate) in INCOME.items():
        services.save_mapping(user=finance, kind=DEBIT_TYPE, code=code, account=account,
                              vat_rate=rate, vat_code="S" if rate else "Z")
    for code, account in CLEARING.items():
        services.save_mapping(user=finance, kind=PAYMENT_TYPE, code=code, account=account)
    for library in Library.objects.order_by("branchcode"):
        services.save_mapping(user=finance, kind=LIBRARY, code=library.branchcode,
                              cost_centre=f"CC-{library.branchcode}")
    selection = selectors.day_selection(finance, DayRange.single(local_today() - timedelta(1)))
    journal = selectors.report(selection).journal
    try:
        posting = services.post_journal(user=finance, selection=selection, seen=services.Seen(
            journal.digest, journal.mapping_version))
    except JournalError:
        return 0
    return posting.line_count
