"""The discovery routes answer in Koha's own shapes, property for property: Koha's names, in
Koha's order (Mojo::JSON sorts keys), JSON booleans for Koha's flags, exact JSON numbers for
money, null where Koha's column is NULL (docs/koha-rows.md, "Discovery: Koha's shapes")."""
import json
from decimal import Decimal

from django.utils import timezone

from koha.models import AuthorisedValue, CashRegister, DebitType
from tests.factories import CashRegisterFactory, DebitTypeFactory, owed, unspent
from tests.helpers import (
    DEBIT_TYPES_URL,
    PAYMENT_TYPES_URL,
    REGISTERS_URL,
    account_url,
    utc,
)

# definitions/cash_register.yaml (Koha main: branch_default is library_default on the API)
CASH_REGISTER = ["archived", "cash_register_id", "description", "library_default", "library_id",
                 "name", "starting_float"]
DEBIT_TYPE = ["archived", "can_be_invoiced", "can_be_sold", "code", "default_amount",
              "description"]
# definitions/authorised_value.yaml
AUTHORISED_VALUE = ["authorised_value_id", "category_name", "description", "image_url",
                    "opac_description", "value"]
# definitions/account_line.yaml as Koha::Account::Line->to_api renders a line
ACCOUNT_LINE = ["account_line_id", "amount", "amount_outstanding", "cash_register_id",
                "checkout_id", "credit_number", "credit_type", "date", "debit_type",
                "description", "interface", "internal_note", "item_id", "library_id",
                "patron_id", "payment_type", "status", "timestamp", "user_id"]


def raw(response):
    """The body as sent: key order kept, numbers as written."""
    assert response.status_code == 200, response.content
    return json.loads(response.content, parse_float=Decimal)


def test_a_cash_register_is_kohas_cash_register(koha, kiosk):
    CashRegister.objects.filter(pk=1).update(starting_float=Decimal("100.500000"),
                                             description="Front desk till")
    [register] = raw(kiosk.api.get(REGISTERS_URL))
    assert list(register) == CASH_REGISTER
    assert register == {"archived": False, "cash_register_id": 1,
                        "description": "Front desk till", "library_default": True,
                        "library_id": "CPL", "name": "Front desk",
                        "starting_float": Decimal("100.5")}
    assert b'"starting_float":100.5' in kiosk.api.get(REGISTERS_URL).content  # exact, a number


def test_a_register_without_a_float_has_null_and_booleans_are_json_booleans(koha, kiosk):
    CashRegisterFactory(id=7, name="Kiosk", library=koha.cpl, starting_float=None,
                        archived=True)
    [register] = raw(kiosk.api.get(REGISTERS_URL, {"archived": "true"}))
    assert register["starting_float"] is None
    assert register["archived"] is True and register["library_default"] is False


def test_a_debit_type_has_kohas_column_names_and_types(koha, kiosk):
    DebitTypeFactory(code="COPY", description=None, default_amount=Decimal("0.150000"),
                     can_be_invoiced=False, can_be_sold=True)
    body = raw(kiosk.api.get(DEBIT_TYPES_URL, {"can_be_sold": "true"}))
    copy = next(row for row in body if row["code"] == "COPY")
    assert list(copy) == DEBIT_TYPE
    assert copy == {"archived": False, "can_be_invoiced": False, "can_be_sold": True,
                    "code": "COPY", "default_amount": Decimal("0.15"), "description": None}
    printing = next(row for row in body if row["code"] == "PRINT")
    assert printing["default_amount"] is None and printing["description"] == "Printing"


def test_a_payment_type_is_kohas_authorised_value(koha, kiosk):
    AuthorisedValue.objects.filter(authorised_value="CASH").update(lib_opac="Cash",
                                                                  imageurl="cash.png")
    AuthorisedValue.objects.filter(authorised_value="SIP02").update(lib=None, lib_opac=None)
    body = raw(kiosk.api.get(PAYMENT_TYPES_URL))
    cash = next(row for row in body if row["value"] == "CASH")
    assert list(cash) == AUTHORISED_VALUE
    assert cash == {"authorised_value_id": AuthorisedValue.objects.get(
        authorised_value="CASH").pk, "category_name": "PAYMENT_TYPE", "description": "Cash",
        "image_url": "cash.png", "opac_description": "Cash", "value": "CASH"}
    unlabelled = next(row for row in body if row["value"] == "SIP02")
    assert unlabelled["description"] == "" and unlabelled["opac_description"] is None


def test_the_account_is_kohas_patron_balance_with_kohas_account_lines(koha, kiosk, settings):
    settings.TIME_ZONE = settings.KOHA_TIME_ZONE = "Europe/Paris"  # one zone, as deployed
    fine = owed(patron=koha.patron, amount="5.000000", outstanding="3.250000",
                at=utc(2024, 4, 20, 14, 12), description="Overdue fine", note="",
                manager=koha.staff, issue_id=77, itemnumber=900, status="RETURNED")
    credit = unspent(patron=koha.patron, amount="1.100000", at=utc(2024, 5, 3, 8),
                     payment_type="CASH", credit_number="C-7", register=koha.register)
    body = raw(kiosk.api.get(account_url(42)))
    assert list(body) == ["balance", "outstanding_credits", "outstanding_debits"]
    assert list(body["outstanding_debits"]) == ["lines", "total"]
    [debit_line], [credit_line] = body["outstanding_debits"]["lines"], \
        body["outstanding_credits"]["lines"]
    assert list(debit_line) == list(credit_line) == ACCOUNT_LINE
    fine.refresh_from_db()
    assert debit_line == {
        "account_line_id": fine.pk, "amount": Decimal("5"), "amount_outstanding": Decimal("3.25"),
        "cash_register_id": None, "checkout_id": 77, "credit_number": None, "credit_type": None,
        "date": "2024-04-20T16:12:00+02:00", "debit_type": "OVERDUE",
        "description": "Overdue fine", "interface": "intranet", "internal_note": "",
        "item_id": 900, "library_id": "CPL", "patron_id": 42, "payment_type": None,
        "status": "RETURNED",
        "timestamp": timezone.localtime(fine.timestamp).isoformat(), "user_id": 51}
    assert credit_line["account_line_id"] == credit.pk
    assert (credit_line["amount"], credit_line["amount_outstanding"]) == (Decimal("-1.1"),) * 2
    assert (credit_line["credit_type"], credit_line["debit_type"]) == ("CREDIT", None)
    assert (credit_line["cash_register_id"], credit_line["credit_number"]) == (1, "C-7")
    assert credit_line["payment_type"] == "CASH" and credit_line["user_id"] is None
    assert credit_line["date"] == "2024-05-03T10:00:00+02:00"
    assert body["balance"] == Decimal("2.15")
    assert body["outstanding_debits"]["total"] == Decimal("3.25")
    assert body["outstanding_credits"]["total"] == Decimal("-1.1")


def test_a_patron_who_owes_nothing_has_koha_zeroes(koha, kiosk):
    body = raw(kiosk.api.get(account_url(42)))
    assert body == {"balance": 0, "outstanding_credits": {"lines": [], "total": 0},
                    "outstanding_debits": {"lines": [], "total": 0}}
    assert kiosk.api.get(account_url(42)).content.startswith(b'{"balance":0,')


def test_schema_components_are_kohas_definitions():
    from drf_spectacular.generators import SchemaGenerator

    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    assert list(schemas["KohaCashRegister"]["properties"]) == CASH_REGISTER
    assert list(schemas["KohaDebitType"]["properties"]) == DEBIT_TYPE
    assert list(schemas["KohaAuthorisedValue"]["properties"]) == AUTHORISED_VALUE
    assert list(schemas["KohaAccountLine"]["properties"]) == ACCOUNT_LINE
    assert list(schemas["KohaPatronBalance"]["properties"]) == [
        "balance", "outstanding_credits", "outstanding_debits"]
    nullable = {name for name, prop in schemas["KohaAccountLine"]["properties"].items()
                if prop.get("nullable")}
    assert nullable == {"cash_register_id", "checkout_id", "credit_number", "credit_type",
                        "debit_type", "description", "interface", "internal_note", "item_id",
                        "library_id", "payment_type", "status", "user_id"}
    register = schemas["KohaCashRegister"]["properties"]
    assert register["archived"]["type"] == register["library_default"]["type"] == "boolean"
    assert register["starting_float"]["type"] == "number" and register["starting_float"][
        "nullable"]
    assert DebitType._meta.get_field("default_amount").null  # so default_amount is nullable
    assert schemas["KohaDebitType"]["properties"]["default_amount"]["nullable"]
