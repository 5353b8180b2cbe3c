"""A point-of-sale sale without a patron: ``Koha::Charges::Sales::purchase`` (spec §7.2, the
worked variant §10.5; Koha's bug 42784 asks for it over REST).

In one transaction, per item: a debit line with no patron and no register — ``amount`` =
``amountoutstanding`` = quantity × price, ``debit_type_code``, ``note`` = the quantity, no
description, ``branchcode`` = the register's library — and its CREATE offset (+amount). Then one
PURCHASE credit with no patron — −total, ``payment_type``, ``note`` "POS SALE", no description,
**the register** — and its CREATE offset with the credit's own negative amount (this path's sign,
unlike ``add_credit``'s). Then ``apply`` of the credit to the debits in order: an APPLY offset
(−amount) each, every line to 0. No ``statistics`` row and no FINES log: the sale goes through
neither ``add_debit`` nor ``add_credit``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from koha.models import AccountLine, AccountOffset

ZERO = Decimal(0)
POS_SALE_NOTE = "POS SALE"


@dataclass(frozen=True)
class SaleItem:
    debit_type: str
    price: Decimal
    quantity: int

    @property
    def amount(self) -> Decimal:
        return self.price * self.quantity


@dataclass(frozen=True)
class Sale:
    manager_id: int
    library_id: str  # the register's library
    register_id: int
    payment_type: str
    interface: str
    items: tuple[SaleItem, ...]
    credit_number: str | None = None

    @property
    def total(self) -> Decimal:
        return sum((item.amount for item in self.items), ZERO)


@dataclass
class SaleRows:
    debits: list[AccountLine]
    credit: AccountLine

    def offsets(self) -> list[AccountOffset]:
        """Once the lines have their ids, in Koha's order: each debit's CREATE, the credit's
        CREATE, then an APPLY per debit."""
        create = AccountOffset.Type.CREATE
        return [
            *(AccountOffset(debit_id=d.pk, type=create, amount=d.amount) for d in self.debits),
            AccountOffset(credit_id=self.credit.pk, type=create, amount=self.credit.amount),
            *(AccountOffset(credit_id=self.credit.pk, debit_id=d.pk,
                            type=AccountOffset.Type.APPLY, amount=-d.amount)
              for d in self.debits),
        ]

    def settle(self) -> None:
        """What ``apply`` leaves: every line at 0."""
        for line in (*self.debits, self.credit):
            line.amountoutstanding = ZERO


def sale(purchase: Sale, *, at: datetime) -> SaleRows:
    """The lines of a purchase at ``at`` (aware), born outstanding as Koha inserts them."""
    common = {"patron_id": None, "date": at, "manager_id": purchase.manager_id,
              "interface": purchase.interface, "library_id": purchase.library_id,
              "description": None}
    debits = [
        AccountLine(**common, amount=item.amount, amountoutstanding=item.amount,
                    debit_type_id=item.debit_type, note=str(item.quantity))
        for item in purchase.items
    ]
    total = purchase.total
    credit = AccountLine(
        **common, amount=-total, amountoutstanding=-total, credit_type_id="PURCHASE",
        payment_type=purchase.payment_type, register_id=purchase.register_id,
        note=POS_SALE_NOTE, credit_number=purchase.credit_number,
    )
    return SaleRows(debits=debits, credit=credit)
