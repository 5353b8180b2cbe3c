"""The rules' reads in one statement (``selectors.intake_references``): what it reports, Koha's
case-insensitive columns compared byte for byte, and Koha's defaults for missing preferences."""
from decimal import Decimal

import pytest

from koha.models import (
    AuthorisedValue,
    AuthorisedValueLibrary,
    CreditType,
    DebitTypeLibrary,
    SystemPreference,
)
from payments import exceptions as err
from payments.selectors import intake_references
from payments.services.rules import plan_intake
from tests.factories import CashRegisterFactory, DebitTypeFactory


def plan(client, **overrides):
    request = {"patron_id": 42, "debit_type": "PRINT", "amount": Decimal("2.5"),
               "payment_type": "CASH", "register_id": 1, "library_id": None,
               "description": "", "note": "", **overrides}
    return plan_intake(client=client, **request)


def references(client, **overrides):
    request = {"client_id": client.pk, "patron_id": 42, "library_id": "CPL", "register_id": 1,
               "debit_type": "PRINT", "payment_type": "CASH", **overrides}
    return intake_references(**request)


def test_the_rules_read_everything_in_one_statement(kiosk, django_assert_num_queries):
    with django_assert_num_queries(1):
        checked = plan(kiosk.client)
    assert (checked.library_id, checked.register_id, checked.staff_patron_id) == ("CPL", 1, 51)
    assert checked.fines_log and checked.credit_number_format is None


def test_what_the_statement_reports(koha, kiosk):
    facts = references(kiosk.client)
    assert facts.patron_exists and facts.library == "CPL"
    assert facts.scope.libraries == {"CPL"} and not facts.scope.registers
    assert not facts.scope.debit_types
    assert (facts.register.library_id, facts.register.archived) == ("CPL", False)
    assert facts.debit_type.code == "PRINT" and not facts.debit_type.archived
    assert facts.payment_type == "CASH"
    assert not facts.debit_type_libraries and not facts.payment_type_libraries
    assert facts.preferences.use_cash_registers and facts.preferences.fines_log


def test_limits_and_scope_sets(koha):
    from payments.services.clients import create_api_client

    till = CashRegisterFactory(name="Back office", library=koha.cpl)
    DebitTypeFactory(code="COPY")
    client = create_api_client(name="Scoped", staff_patron_id=51, library_ids=["CPL", "MPL"],
                               register_ids=[till.id], debit_type_codes=["COPY"]).client
    DebitTypeLibrary.objects.create(debit_type_code="PRINT", branchcode="MPL")
    DebitTypeLibrary.objects.create(debit_type_code="PRINT", branchcode="CPL")
    cash = AuthorisedValue.objects.get(category="PAYMENT_TYPE", authorised_value="CASH")
    AuthorisedValueLibrary.objects.create(av_id=cash.id, branchcode="MPL")
    facts = references(client)
    assert facts.scope.libraries == {"CPL", "MPL"} and facts.scope.registers == {till.id}
    assert facts.scope.debit_types == {"COPY"}
    assert facts.debit_type_libraries == {"CPL", "MPL"} and facts.payment_type_libraries == {"MPL"}


def test_unknown_rows_and_patron(kiosk):
    facts = references(kiosk.client, patron_id=999, library_id="NOPE", register_id=999,
                       debit_type="NOPE", payment_type="NOPE")
    assert not facts.patron_exists
    assert facts.library is facts.register is facts.debit_type is facts.payment_type is None


def test_koha_spelling_is_reported_and_compared_exactly(kiosk):
    facts = references(kiosk.client, library_id="cpl", debit_type="print", payment_type="cash")
    assert (facts.library, facts.debit_type.code, facts.payment_type) == ("CPL", "PRINT", "CASH")
    with pytest.raises(err.UnknownLibrary):
        plan(kiosk.client, library_id="cpl")


def test_missing_preferences_take_kohas_defaults(kiosk):
    SystemPreference.objects.filter(
        variable__in=["UseCashRegisters", "FinesLog", "AutoCreditNumber"]).delete()
    preferences = references(kiosk.client).preferences
    assert not preferences.use_cash_registers and preferences.fines_log
    assert preferences.auto_credit_number == ""


def test_credit_numbers_need_the_pref_and_the_credit_type(kiosk):
    SystemPreference.objects.filter(variable="AutoCreditNumber").update(value="annual")
    assert plan(kiosk.client).credit_number_format is None
    CreditType.objects.filter(code="PAYMENT").update(credit_number_enabled=True)
    assert plan(kiosk.client).credit_number_format == "annual"
