"""A day of a kiosk's money movements on register 1 (CPL), as in the register pages' tests: a
charge refunded in part, a sale refunded in part, a payment of SIP01, and a sale on a second
register of the same library; every line dated on DAY."""
from datetime import date
from decimal import Decimal as D

import pytest

from journal import services
from journal.models import CREDIT_TYPE, DEBIT_TYPE, PAYMENT_TYPE
from koha.models import AccountLine
from registers.selectors import DayRange
from tests.factories import CashRegisterFactory
from tests.helpers import sale_body, utc

DAY = date(2024, 5, 2)
ONE_DAY = DayRange.single(DAY)


@pytest.fixture
def day(koha, pay, sell, refund):
    lobby = CashRegisterFactory(name="Lobby", library=koha.cpl)
    charge = pay(external_id="EXT-1").json()
    assert refund(payment_id=charge["payment_id"], amount="1.00").status_code == 201
    sale = sell(sale_body(("PRINT", "0.20", 12), ("COPYCARD", "5.00", 1), ("PRINT", "0.50", 2)),
                external_id="S-1").json()
    assert refund(sale_id=sale["sale_id"], amount="3.00").status_code == 201
    pay(amount="7.25", payment_type="SIP01")
    sell(sale_body(("COPYCARD", "5.00", 2)), register_id=lobby.pk)
    AccountLine.objects.update(date=utc(2024, 5, 2, 10))
    return koha


@pytest.fixture
def mapped(db):
    """PRINT at 20 % VAT, COPYCARD at 0 %, CASH and SIP01 to their banks; the rest unmapped."""
    save = services.save_mapping
    save(user=None, kind=DEBIT_TYPE, code="PRINT", account="4100", cost_centre="LIB1",
         vat_rate=D("20"), vat_code="S")
    save(user=None, kind=DEBIT_TYPE, code="COPYCARD", account="4200", vat_rate=D("0"),
         vat_code="Z")
    save(user=None, kind=PAYMENT_TYPE, code="CASH", account="1010")
    save(user=None, kind=PAYMENT_TYPE, code="SIP01", account="1020")
    save(user=None, kind=CREDIT_TYPE, code="PAYMENT", account="2300")
