"""factory_boy factories for Koha rows; related rows stay consistent (a register's library exists).
Then register lines written the way Koha writes them (charge-and-pay, POS sale, payout, cashup)."""
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

import factory
from factory.django import DjangoModelFactory

from koha.models import (
    AccountLine,
    AccountOffset,
    ApiKey,
    AuthorisedValue,
    AuthorisedValueLibrary,
    CashRegister,
    CashRegisterAction,
    DebitType,
    DebitTypeLibrary,
    Library,
    Patron,
    UserFlag,
    UserPermission,
)
from koha import recipes
from koha.identity import passwords
from koha.recipes import SaleItem
from koha.schema.reference_data import install_reference_data


class LibraryFactory(DjangoModelFactory):
    class Meta:
        model = Library
        django_get_or_create = ("branchcode",)

    branchcode = factory.Sequence(lambda n: f"L{n:03d}")
    branchname = factory.LazyAttribute(lambda o: f"Library {o.branchcode}")


class PatronFactory(DjangoModelFactory):
    class Meta:
        model = Patron

    cardnumber = factory.Sequence(lambda n: f"2{n:09d}")
    surname = factory.Faker("last_name")
    firstname = factory.Faker("first_name")
    library = factory.SubFactory(LibraryFactory)
    categorycode = "PT"


class DebitTypeFactory(DjangoModelFactory):
    class Meta:
        model = DebitType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TYPE{n}")
    description = factory.LazyAttribute(lambda o: f"{o.code.title()} charge")
    can_be_invoiced = True
    can_be_sold = True


class CashRegisterFactory(DjangoModelFactory):
    class Meta:
        model = CashRegister

    name = factory.Sequence(lambda n: f"Till {n}")
    description = factory.LazyAttribute(lambda o: f"{o.name} at the front desk")
    library = factory.SubFactory(LibraryFactory)
    starting_float = "100.000000"


class PaymentTypeFactory(DjangoModelFactory):
    class Meta:
        model = AuthorisedValue
        django_get_or_create = ("category", "authorised_value")

    category = "PAYMENT_TYPE"
    authorised_value = factory.Sequence(lambda n: f"PT{n}")
    lib = factory.LazyAttribute(lambda o: o.authorised_value.title())


# --- register lines written the way Koha writes them ------------------------------------------
# Register lines written the way Koha writes them (spec §3.6, §7.2, §4.3, §8).
# 
# The charge never carries the register; the payment credit does (money in), and so does a PAYOUT
# debit (money out). CREATE offsets record each line's birth; APPLY offsets move money from the
# credit to the debit it pays. ``at`` is an aware datetime: the line's ``date``.


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


def pos_sale(*, register, at, items, manager, payment_type="CASH",
             interface="intranet") -> Paid:
    """Koha::Charges::Sales::purchase, from Koha's own recipe (``koha.recipes.sale``, spec §7.2):
    anonymous debits without register, one PURCHASE credit with it, every line settled.
    ``items``: (debit type, price[, quantity]); returns the last debit and the credit."""
    sold = tuple(SaleItem(code, Decimal(price), int(rest[0]) if rest else 1)
                 for code, price, *rest in items)
    rows = recipes.sale(recipes.Sale(
        manager_id=manager.pk, library_id=register.library_id, register_id=register.pk,
        payment_type=payment_type, interface=interface, items=sold), at=at)
    rows.settle()
    for line in (*rows.debits, rows.credit):
        line.save()
    AccountOffset.objects.bulk_create(rows.offsets())
    return Paid(rows.debits[-1], rows.credit)


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


def koha_debit(*, patron_id=42, amount, at, debit_type="OVERDUE", description="", status=None,
               item_id=None, manager_id=None, library_id="CPL", interface="cron") -> AccountLine:
    """A debit the patron owes, as ``Koha::Account->add_debit`` wrote it (spec §3.2): the line,
    outstanding in full, and its CREATE offset (+A). Its FINES log is left out: the tests look
    at what a payment adds. An OVERDUE fine is written as the fines cron leaves it once the item
    is back (``status`` RETURNED) unless told otherwise."""
    amount = Decimal(amount)
    if debit_type == "OVERDUE" and status is None:
        status = "RETURNED"
    debit = AccountLineFactory(
        patron_id=patron_id, date=at, amount=amount, amountoutstanding=amount,
        debit_type_id=debit_type, description=description, status=status, itemnumber=item_id,
        manager_id=manager_id, library_id=library_id, interface=interface,
    )
    _offset("CREATE", amount, debit=debit)
    return debit


def cashup(*, register, at, manager, amount="0") -> CashRegisterAction:
    """Register::add_cashup (classic): a CASHUP action at ``at``."""
    return CashRegisterAction.objects.create(
        code="CASHUP", register=register, manager=manager, amount=Decimal(amount), timestamp=at
    )


def reconciliation_types():
    """The credit and debit types Koha's bug 40445 adds (its atomic update's values): their
    presence makes a Koha database one "with reconciliation"."""
    from koha.models import CreditType

    CreditType.objects.get_or_create(code="CASHUP_SURPLUS", defaults={
        "description": "Cash register surplus", "can_be_added_manually": False,
        "is_system": True})
    DebitType.objects.get_or_create(code="CASHUP_DEFICIT", defaults={
        "description": "Cash register deficit", "can_be_invoiced": False, "is_system": True})


def kohapay_intake(paid: Paid, *, client_name="Lobby kiosk", external_id="KIOSK-0001"):
    """The intake record kohapay writes beside a charge-and-pay it recorded (issue 3)."""
    from oauth2_provider.models import Application

    from payments.models import ApiClient, Intake

    client = ApiClient.objects.filter(name=client_name).first()
    if client is None:
        application = Application.objects.create(
            name=client_name, client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        )
        client = ApiClient.objects.create(
            name=client_name, application=application, staff_patron_id=paid.credit.manager_id
        )
    return Intake.objects.create(
        client=client, idempotency_key=f"key-{external_id}", external_id=external_id,
        request_hash="0" * 64, patron_id=paid.credit.patron_id, payment=paid.credit,
        debit=paid.debit, response_body={},
    )


def busy_days(koha, days, *, per_day=6, start_hour=9):
    """A few realistic days at register 1 (and one line a day at the other register): payments
    of several types, a POS sale, a payout every other day, a kohapay intake, a cashup each
    evening. ``days``: local dates; times are UTC hours (the tests run in UTC)."""
    from datetime import UTC, datetime, time, timedelta

    kinds = [("PRINT", "Printing", "CASH"), ("MANUAL", "Replacement card", "SIP01"),
             ("PRINT", "Colour printing", "SIP00"), ("MANUAL", "Lost book fee", "CASH")]
    for n, day in enumerate(days):
        base = datetime.combine(day, time(start_hour), tzinfo=UTC)
        for i in range(per_day):
            code, text, pay_type = kinds[(n + i) % len(kinds)]
            paid = charge_and_pay(
                register=koha.register, at=base + timedelta(minutes=47 * i),
                amount=f"{(i + 1) * 1.25 + n:.2f}", patron=koha.patron, manager=koha.staff,
                debit_type=code, description=text, payment_type=pay_type,
            )
            if i == 1:
                kohapay_intake(paid, external_id=f"KIOSK-{day:%Y%m%d}-{i}")
        pos_sale(register=koha.register, at=base + timedelta(hours=2), manager=koha.staff,
                 items=[("PRINT", "0.40"), ("PRINT", "1.10")])
        if n % 2:
            payout(register=koha.register, at=base + timedelta(hours=3), amount="4.00",
                   patron=koha.patron, manager=koha.staff)
        charge_and_pay(register=koha.other_register, at=base + timedelta(hours=1), amount="3.30",
                       patron=koha.patron, manager=koha.staff)
        cashup(register=koha.register, at=base + timedelta(hours=8), manager=koha.staff)


# --- what a patron owes, and library limits (the discovery routes) -----------------------------


def owed(*, patron, amount, outstanding=None, debit_type="OVERDUE", at=None, library=None,
         **fields) -> AccountLine:
    """A debit as Koha's add_debit leaves it (its CREATE offset), ``outstanding`` of it still
    owed (default: all of it)."""
    amount = Decimal(amount)
    debit = AccountLineFactory(
        patron=patron, date=at, amount=amount, debit_type_id=debit_type,
        amountoutstanding=amount if outstanding is None else Decimal(outstanding),
        library=library or patron.library, **fields)
    _offset("CREATE", amount, debit=debit)
    return debit


def unspent(*, patron, amount, outstanding=None, credit_type="CREDIT", at=None, library=None,
            **fields) -> AccountLine:
    """A credit as Koha's add_credit leaves it (negative amounts, its CREATE offset),
    ``outstanding`` of it (positive, default all) not yet applied to any debit."""
    amount = Decimal(amount)
    credit = AccountLineFactory(
        patron=patron, date=at, amount=-amount, credit_type_id=credit_type,
        amountoutstanding=-(amount if outstanding is None else Decimal(outstanding)),
        library=library or patron.library, **fields)
    _offset("CREATE", amount, credit=credit)
    return credit


def limit_debit_type(code: str, *branchcodes: str) -> None:
    """Koha's library limits of a debit type (account_debit_types_branches)."""
    DebitTypeLibrary.objects.bulk_create(
        DebitTypeLibrary(debit_type_code=code, branchcode=b) for b in branchcodes)


def limit_payment_type(value: str, *branchcodes: str) -> None:
    """Koha's library limits of a PAYMENT_TYPE authorised value (authorised_values_branches)."""
    av = AuthorisedValue.objects.get(category="PAYMENT_TYPE", authorised_value=value)
    AuthorisedValueLibrary.objects.bulk_create(
        AuthorisedValueLibrary(av_id=av.pk, branchcode=b) for b in branchcodes)


# --- the world of the spec's worked example (§10) ----------------------------------------------


def build_koha_world():
    install_reference_data({"UseCashRegisters": "1"})
    cpl = LibraryFactory(branchcode="CPL", branchname="Centerville")
    mpl = LibraryFactory(branchcode="MPL", branchname="Midway")
    staff = PatronFactory(borrowernumber=51, library=cpl, cardnumber="STAFF51", userid="kiosk")
    patron = PatronFactory(borrowernumber=42, library=cpl, cardnumber="23529000042")
    printing = DebitTypeFactory(code="PRINT", description="Printing")
    register = CashRegisterFactory(id=1, name="Front desk", library=cpl, branch_default=True)
    other_register = CashRegisterFactory(name="Midway desk", library=mpl)
    return SimpleNamespace(
        cpl=cpl, mpl=mpl, staff=staff, patron=patron, printing=printing, register=register,
        other_register=other_register,
    )


def koha_staff(userid: str, password: str | None = "s3cret-pass", *, modules=(), codes=(),
               library=None, **fields) -> Patron:
    """A Koha staff patron as Koha's staff interface makes one: a userid, a ``$2a$08$`` bcrypt
    password, whole modules as bits of ``flags`` and sub-permissions as ``user_permissions``
    rows (``codes``: (module, code) pairs). Koha's ``userflags``/``permissions`` must exist
    (``install_reference_data``)."""
    bits = dict(UserFlag.objects.values_list("flag", "bit"))
    patron = PatronFactory(
        userid=userid, library=library or LibraryFactory(),
        password=passwords.koha_hash(password) if password is not None else None,
        flags=sum(1 << bits[name] for name in modules), categorycode="S", **fields,
    )
    UserPermission.objects.bulk_create(
        UserPermission(borrowernumber=patron.pk, module_bit=bits[module], code=code)
        for module, code in codes
    )
    return patron


def koha_api_key(owner: Patron, *, description: str = "Lobby kiosk", active: bool = True,
                 secret: str | None = None) -> SimpleNamespace:
    """A Koha API key as Koha's ``Koha::ApiKey->store`` makes one: a UUID client_id, a UUID
    secret stored as ``$2a$08$`` bcrypt; returns ``client_id``, ``client_secret`` (in clear, as
    Koha shows it once) and the ``key`` row."""
    import uuid

    client_id, secret = str(uuid.uuid4()), secret or str(uuid.uuid4())
    key = ApiKey.objects.create(client_id=client_id, secret=passwords.koha_hash(secret),
                                description=description, patron=owner, active=active)
    return SimpleNamespace(client_id=client_id, client_secret=secret, key=key)
