"""The demo's Koha world — libraries, registers, patrons, staff, debit and payment types, system
preferences — written with the ORM, only where missing, so that a forced re-run never duplicates it.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction

from demo import catalogue
from demo.names import FIRST_NAMES, SURNAMES
from koha.models import (
    AuthorisedValue,
    CashRegister,
    CreditType,
    DebitType,
    DebitTypeLibrary,
    Library,
    Patron,
    SystemPreference,
)
from koha.schema.reference_data import install_reference_data


@dataclass(frozen=True)
class Till:
    """A register as the history sees it."""

    id: int
    branch: str
    kind: str
    weight: int
    archived: bool


@dataclass(frozen=True)
class World:
    libraries: dict[str, catalogue.LibrarySpec]
    tills: list[Till]
    patrons: dict[str, list[int]]  # home branchcode → borrowernumbers
    desk_staff: dict[str, list[int]]  # branchcode → borrowernumbers of its desk staff
    kiosk_staff: int  # kohapay's API clients act as this patron
    sip_staff: int  # the SIP2 login
    products: list[catalogue.Product]
    fines_log: bool


def build_world(rng: random.Random) -> World:
    """Create what is missing of the demo world, in one transaction, and return all of it."""
    with transaction.atomic():
        _ensure_reference_data()
        _ensure_libraries()
        _ensure_registers()
        _ensure_staff()
        _ensure_patrons(rng)
        _ensure_products()
        _ensure_payment_types()
    return load_world()


def _ensure_reference_data() -> None:
    if CreditType.objects.filter(code="PAYMENT").exists():
        return  # Koha's installer rows are there already (a forced re-run)
    install_reference_data(catalogue.PREFERENCES)


def _ensure_libraries() -> None:
    present = set(Library.objects.values_list("branchcode", flat=True))
    Library.objects.bulk_create(
        Library(branchcode=spec.branchcode, branchname=spec.branchname)
        for spec in catalogue.LIBRARIES
        if spec.branchcode not in present
    )


def _ensure_registers() -> None:
    present = set(CashRegister.objects.values_list("name", "library_id"))
    CashRegister.objects.bulk_create(
        CashRegister(
            name=spec.name, library_id=spec.branch, branch_default=spec.default,
            starting_float=spec.starting_float, archived=spec.archived,
            description=f"{spec.name} at {_branchname(spec.branch)}"
            + (" (retired)" if spec.archived else ""),
        )
        for spec in catalogue.REGISTERS
        if (spec.name, spec.branch) not in present
    )


def _ensure_staff() -> None:
    present = set(Patron.objects.filter(userid__isnull=False).values_list("userid", flat=True))
    Patron.objects.bulk_create(
        Patron(
            cardnumber=f"S{spec.userid.upper()}"[:32], userid=spec.userid,
            firstname=spec.firstname, surname=spec.surname, library_id=spec.branch,
            categorycode=spec.categorycode, flags=spec.flags,
            email=f"{spec.userid}@library.example.org",
        )
        for spec in catalogue.STAFF
        if spec.userid not in present
    )


def _ensure_patrons(rng: random.Random) -> None:
    if Patron.objects.filter(categorycode=catalogue.PATRON_CATEGORY).exists():
        return
    total = sum(spec.patrons for spec in catalogue.LIBRARIES)
    numbers = iter(rng.sample(range(10**9), total))
    patrons = []
    for spec in catalogue.LIBRARIES:
        for _ in range(spec.patrons):
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            patrons.append(Patron(
                cardnumber=f"23529{next(numbers):09d}", firstname=first, surname=last,
                library_id=spec.branchcode, categorycode=catalogue.PATRON_CATEGORY,
                email=_email(rng, first, last), lang="default",
            ))
    Patron.objects.bulk_create(patrons)


def _email(rng: random.Random, first: str, last: str) -> str | None:
    if rng.random() < 0.25:
        return None  # not every patron leaves an address
    local = f"{first}.{last}".lower().replace("'", "")
    return f"{local}{rng.randint(1, 99)}@mail.example.com"


def _ensure_products() -> None:
    present = set(DebitType.objects.values_list("code", flat=True))
    new = [p for p in catalogue.PRODUCTS if p.code not in present]
    DebitType.objects.bulk_create(
        DebitType(
            code=p.code, description=p.description, can_be_invoiced=p.can_be_invoiced,
            can_be_sold=p.can_be_sold, default_amount=p.default_amount, is_system=False,
            archived=p.archived, restricts_checkouts=p.restricts_checkouts,
        )
        for p in new
    )
    DebitTypeLibrary.objects.bulk_create(
        DebitTypeLibrary(debit_type_code=p.code, branchcode=code)
        for p in new
        for code in p.libraries
    )


def _ensure_payment_types() -> None:
    values = AuthorisedValue.objects.filter(category="PAYMENT_TYPE")
    present = set(values.values_list("authorised_value", flat=True))
    AuthorisedValue.objects.bulk_create(
        AuthorisedValue(category="PAYMENT_TYPE", authorised_value=value, lib=label, lib_opac=label)
        for value, label in catalogue.PAYMENT_TYPES
        if value not in present
    )


def _branchname(branchcode: str) -> str:
    return next(spec.branchname for spec in catalogue.LIBRARIES if spec.branchcode == branchcode)


def load_world() -> World:
    """The demo world as it is in the database (ids are the database's)."""
    libraries = {spec.branchcode: spec for spec in catalogue.LIBRARIES}
    specs = {(spec.name, spec.branch): spec for spec in catalogue.REGISTERS}
    tills = [
        Till(r.id, r.library_id, specs[(r.name, r.library_id)].kind,
             specs[(r.name, r.library_id)].weight, r.archived)
        for r in CashRegister.objects.filter(library__in=libraries).order_by("id")
        if (r.name, r.library_id) in specs
    ]
    patrons: dict[str, list[int]] = {code: [] for code in libraries}
    for number, branch in Patron.objects.filter(
        categorycode=catalogue.PATRON_CATEGORY, library__in=libraries
    ).order_by("borrowernumber").values_list("borrowernumber", "library_id"):
        patrons[branch].append(number)
    staff = dict(Patron.objects.filter(
        userid__in=[s.userid for s in catalogue.STAFF]
    ).values_list("userid", "borrowernumber"))
    desk_staff = {code: [] for code in libraries}
    for spec in catalogue.STAFF:
        if spec.role == "desk":
            desk_staff[spec.branch].append(staff[spec.userid])
    fines_log = SystemPreference.objects.filter(variable="FinesLog", value="1").exists()
    return World(
        libraries=libraries, tills=tills, patrons=patrons, desk_staff=desk_staff,
        kiosk_staff=staff[catalogue.KIOSK_USERID], sip_staff=staff["koha_sip"],
        products=list(catalogue.PRODUCTS), fines_log=fines_log,
    )
