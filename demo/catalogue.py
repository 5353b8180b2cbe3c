"""What the demo world holds: three of Koha's sample libraries, their tills and kiosks, staff, and
the debit and payment types a library with self-service kiosks typically adds to Koha's own.

Plain data, no database access: ``library`` writes it, ``history`` draws from it.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class LibrarySpec:
    branchcode: str
    branchname: str
    weight: int  # share of the day's payments
    patrons: int


@dataclass(frozen=True)
class RegisterSpec:
    name: str
    branch: str
    kind: str  # "desk" (staff, intranet) or "kiosk" (SIP2 or kohapay's API)
    weight: int  # share of its library's payments
    starting_float: Decimal | None
    default: bool = False
    archived: bool = False  # retired: history only in the older half of the seeded days


@dataclass(frozen=True)
class Product:
    """A debit type and how the demo prices it: ``unit`` × a quantity in ``quantities``."""

    code: str
    description: str
    can_be_invoiced: bool
    can_be_sold: bool
    unit: Decimal
    quantities: tuple[int, int]
    desk_weight: int  # how often staff at a desk charge it
    kiosk_weight: int = 0  # how often a kiosk sells it (0: never)
    default_amount: Decimal | None = None
    libraries: tuple[str, ...] = ()  # library limits (account_debit_types_branches); () = all
    is_system: bool = False  # one of Koha's own types: already installed, not created here
    archived: bool = False  # retired: charged only in the older half of the seeded days
    restricts_checkouts: bool = True
    label: str = ""  # per-unit noun for the line description ("pages")

    def allowed_at(self, branchcode: str) -> bool:
        return not self.libraries or branchcode in self.libraries


@dataclass(frozen=True)
class StaffSpec:
    userid: str
    firstname: str
    surname: str
    branch: str
    flags: int
    role: str  # "desk", "kiosk" (kohapay's API clients act as it), "sip" (the SIP2 login)
    categorycode: str = "S"


LIBRARIES = [
    LibrarySpec("CPL", "Centerville", weight=5, patrons=160),
    LibrarySpec("MPL", "Midway", weight=3, patrons=100),
    LibrarySpec("FPL", "Fairview", weight=2, patrons=70),
]

REGISTERS = [
    RegisterSpec("Front desk", "CPL", "desk", 6, Decimal("150.00"), default=True),
    RegisterSpec("Kiosk 1", "CPL", "kiosk", 3, Decimal("50.00")),
    RegisterSpec("Kiosk 2", "CPL", "kiosk", 2, Decimal("50.00")),
    RegisterSpec("Front desk", "MPL", "desk", 6, Decimal("100.00"), default=True),
    RegisterSpec("Kiosk", "MPL", "kiosk", 4, Decimal("50.00")),
    RegisterSpec("Old till", "MPL", "desk", 3, Decimal("100.00"), archived=True),
    RegisterSpec("Front desk", "FPL", "desk", 6, Decimal("100.00"), default=True),
    RegisterSpec("Self-service", "FPL", "kiosk", 4, Decimal("0.00")),
]

C = Decimal
PRODUCTS = [
    Product("PRINT", "Printing (black and white)", True, True, C("0.10"), (1, 40), 20, 40,
            default_amount=C("0.10"), restricts_checkouts=False, label="pages"),
    Product("PRINT_COLOUR", "Printing (colour)", True, True, C("0.50"), (1, 20), 6, 12,
            default_amount=C("0.50"), restricts_checkouts=False, label="pages"),
    Product("PHOTOCOPY", "Photocopies", True, True, C("0.10"), (1, 60), 10, 20,
            default_amount=C("0.10"), restricts_checkouts=False, label="copies"),
    Product("SCAN", "Scanning to e-mail or USB", False, True, C("0.50"), (1, 6), 2, 6,
            default_amount=C("0.50"), libraries=("CPL", "MPL"), restricts_checkouts=False,
            label="scans"),
    Product("ROOM_BOOKING", "Meeting room booking", True, False, C("12.50"), (1, 2), 3,
            libraries=("CPL", "FPL"), label="hours"),
    Product("LOST_CARD", "Replacement of a lost library card", True, True, C("3.00"), (1, 1), 4, 2,
            default_amount=C("3.00")),
    Product("EARPHONES", "Earphones", False, True, C("1.50"), (1, 2), 2, 3,
            default_amount=C("1.50"), restricts_checkouts=False, label="pairs"),
    Product("USB_STICK", "USB memory stick (16 GB)", False, True, C("6.00"), (1, 1), 1, 1,
            default_amount=C("6.00"), libraries=("CPL",), restricts_checkouts=False),
    Product("BOOK_SALE", "Withdrawn book sale", False, True, C("0.50"), (1, 6), 4,
            restricts_checkouts=False, label="books"),
    Product("FAX", "Fax service", True, True, C("1.00"), (1, 5), 1, 1, archived=True,
            restricts_checkouts=False, label="pages"),
    # Koha's own types (installed by install_reference_data), charged at the desk.
    Product("NEW_CARD", "New card fee", True, False, C("2.00"), (1, 1), 3, is_system=True),
    Product("MANUAL", "Manual fee", True, False, C("0.01"), (100, 2500), 3, is_system=True),
    Product("LOST", "Lost item", True, False, C("0.01"), (500, 2500), 2, is_system=True),
]

# authorised_value, lib, which interfaces take it and how often
PAYMENT_TYPES = [
    ("CASH", "Cash"),
    ("CARD", "Debit or credit card"),
    ("SIP00", "Cash via SIP2"),
    ("SIP01", "Visa via SIP2"),
    ("SIP02", "Creditcard via SIP2"),
]
PAYMENT_MIX = {
    "intranet": [("CASH", 55), ("CARD", 45)],
    "sip": [("SIP00", 40), ("SIP01", 35), ("SIP02", 25)],
    "api": [("CARD", 70), ("CASH", 30)],
}

# Koha permission bits (spec §9): borrowers 4, updatecharges 10, cash_management 25.
DESK_FLAGS = (1 << 4) | (1 << 10) | (1 << 25)
# The kiosk's key owner also holds catalogue (2): Koha's requirement for listing cash registers
# (GET /api/v1/cash_registers, the kiosk's first discovery call).
KIOSK_FLAGS = DESK_FLAGS | (1 << 2)
KIOSK_USERID = "kohapay_kiosk"
STAFF = [
    StaffSpec("cpl_desk1", "Maria", "Lopez", "CPL", DESK_FLAGS, "desk"),
    StaffSpec("cpl_desk2", "Tom", "Becker", "CPL", DESK_FLAGS, "desk"),
    StaffSpec("mpl_desk1", "Aisha", "Khan", "MPL", DESK_FLAGS, "desk"),
    StaffSpec("mpl_desk2", "Peter", "Novak", "MPL", DESK_FLAGS, "desk"),
    StaffSpec("fpl_desk1", "Lena", "Schmidt", "FPL", DESK_FLAGS, "desk"),
    StaffSpec(KIOSK_USERID, "kohapay", "Kiosk", "CPL", KIOSK_FLAGS, "kiosk"),
    StaffSpec("koha_sip", "SIP2", "Self-check", "CPL", DESK_FLAGS, "sip"),
]

# Koha's preferences, with the two a register-using library turns on, and Koha's API keys on
# (the demo kiosk has one).
PREFERENCES = {"UseCashRegisters": "1", "FinesLog": "1", "RESTOAuth2ClientCredentials": "1"}

PATRON_CATEGORY = "PT"
# Local opening hours 9:00–19:59 and how busy each hour is.
HOURS = [
    (9, 3), (10, 6), (11, 8), (12, 9), (13, 8), (14, 9),
    (15, 10), (16, 10), (17, 8), (18, 6), (19, 4),
]
