"""Register lines written the way Koha writes them (spec §3.6, §7.2, §4.3, §8).

The charge never carries the register; the payment credit does (money in), and so does a PAYOUT
debit (money out). CREATE offsets record each line's birth; APPLY offsets move money from the
credit to the debit it pays. ``at`` is an aware datetime: the line's ``date``.
"""
from dataclasses import dataclass
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from payments.models import AccountLine, AccountOffset
from registers.models import CashRegisterAction


class AccountLineFactory(DjangoModelFactory):
    class Meta:
        model = AccountLine

    description = ""
    note = ""
    interface = "intranet"


def _offset(kind, amount, credit=None, debit=None):
    return AccountOffset.objects.create(type=kind, amount=amount, credit=credit, debit=debit)


@dataclass
class Paid:
    debit: AccountLine
    credit: AccountLine


def charge_and_pay(*, register, at, amount, patron, manager, debit_type="PRINT",
                   payment_type="CASH", description="Printing", credit_type="PAYMENT") -> Paid:
    """add_debit then pay() with ``lines => [debit]`` (spec §10.1–10.2)."""
    amount = Decimal(amount)
    library = register.library
    debit = AccountLineFactory(
        patron=patron, date=at, amount=amount, amountoutstanding=0, debit_type_id=debit_type,
        description=description, manager=manager, library=library,
    )
    _offset("CREATE", amount, debit=debit)
    credit = AccountLineFactory(
        patron=patron, date=at, amount=-amount, amountoutstanding=0, credit_type_id=credit_type,
        payment_type=payment_type, manager=manager, library=library, register=register,
    )
    _offset("CREATE", amount, credit=credit)
    _offset("APPLY", -amount, credit=credit, debit=debit)
    return Paid(debit, credit)


def pos_sale(*, register, at, items, manager, payment_type="CASH") -> Paid:
    """Koha::Charges::Sales::purchase: anonymous debits without register, one PURCHASE credit
    with it (spec §7.2). ``items``: [(debit type, amount)]; returns the last debit and the credit."""
    debits = []
    for code, amount in items:
        debit = AccountLineFactory(
            date=at, amount=Decimal(amount), amountoutstanding=0, debit_type_id=code,
            description=None, note="1", manager=manager, library=register.library,
        )
        _offset("CREATE", Decimal(amount), debit=debit)
        debits.append(debit)
    total = sum(Decimal(a) for _, a in items)
    credit = AccountLineFactory(
        date=at, amount=-total, amountoutstanding=0, credit_type_id="PURCHASE",
        payment_type=payment_type, manager=manager, library=register.library, register=register,
        note="POS SALE",
    )
    _offset("CREATE", -total, credit=credit)
    for debit in debits:
        _offset("APPLY", -debit.amount, credit=credit, debit=debit)
    return Paid(debits[-1], credit)


def payout(*, register, at, amount, patron, manager, payment_type="CASH") -> Paid:
    """Line::payout of a patron's credit (spec §4.3): a PAYOUT debit carrying the register, paid
    by a (register-less) credit."""
    amount = Decimal(amount)
    credit = AccountLineFactory(
        patron=patron, date=at, amount=-amount, amountoutstanding=0, credit_type_id="CREDIT",
        manager=manager, library=register.library, status="PAID",
    )
    _offset("CREATE", amount, credit=credit)
    debit = AccountLineFactory(
        patron=patron, date=at, amount=amount, amountoutstanding=0, debit_type_id="PAYOUT",
        payment_type=payment_type, manager=manager, library=register.library, register=register,
    )
    _offset("CREATE", amount, debit=debit)
    _offset("APPLY", -amount, credit=credit, debit=debit)
    return Paid(debit, credit)


def cashup(*, register, at, manager, amount="0") -> CashRegisterAction:
    """Register::add_cashup (classic): a CASHUP action at ``at``."""
    return CashRegisterAction.objects.create(
        code="CASHUP", register=register, manager=manager, amount=Decimal(amount), timestamp=at
    )
