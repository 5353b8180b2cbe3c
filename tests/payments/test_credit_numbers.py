"""credit_number as Koha's AutoCreditNumber formats it, on the PAYMENT credit only."""
from datetime import datetime, timezone

import pytest
from django.test import override_settings

from koha.models import AccountLine, CreditType, SystemPreference


@pytest.fixture
def numbering(koha):
    CreditType.objects.filter(code="PAYMENT").update(credit_number_enabled=True)

    def use(fmt):
        SystemPreference.objects.filter(variable="AutoCreditNumber").update(value=fmt)

    return use


def existing_credit(number):
    AccountLine.objects.create(patron_id=42, amount=-1, amountoutstanding=0,
                               credit_type_id="PAYMENT", credit_number=number, interface="intranet")


def numbers_of(*responses):
    return [r.json()["credit"]["credit_number"] for r in responses]


def test_incremental_follows_the_largest_all_digit_number(numbering, pay):
    numbering("incremental")
    existing_credit("9")
    existing_credit("10")
    existing_credit("2024-0999")  # not all digits: ignored
    assert numbers_of(pay(), pay()) == ["11", "12"]
    assert not AccountLine.objects.filter(debit_type_id="PRINT", credit_number__isnull=False)


def test_annual_counts_per_year(numbering, pay):
    numbering("annual")
    year = datetime.now(timezone.utc).year
    existing_credit(f"{year}-0041")
    existing_credit(f"{year - 1}-0500")
    assert numbers_of(pay(), pay()) == [f"{year}-0042", f"{year}-0043"]


@override_settings(TIME_ZONE="Pacific/Kiritimati")  # UTC+14: Koha's month, not UTC's
def test_branchyyyymmincr_counts_per_library_and_month(numbering, pay):
    from django.utils import timezone as dj_timezone

    numbering("branchyyyymmincr")
    local = dj_timezone.localtime()
    prefix = f"CPL{local.year}{local.month:02d}"
    existing_credit(f"{prefix}0007")
    existing_credit(f"MPL{local.year}{local.month:02d}0100")
    assert numbers_of(pay()) == [f"{prefix}0008"]


def test_no_number_unless_payment_numbers_its_credits(koha, pay):
    SystemPreference.objects.filter(variable="AutoCreditNumber").update(value="incremental")
    assert numbers_of(pay()) == [None]


def test_unknown_format_gives_no_number(numbering, pay):
    numbering("weekly")
    assert numbers_of(pay()) == [None]
