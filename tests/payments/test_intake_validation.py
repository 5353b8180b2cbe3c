"""Every refusal has its own status and error_code, Koha's error shape, and writes nothing."""
import json

import pytest

from koha.models import (
    AuthorisedValue,
    AuthorisedValueLibrary,
    CashRegister,
    DebitType,
    DebitTypeLibrary,
)
from payments.services.clients import create_api_client
from tests.factories import CashRegisterFactory, DebitTypeFactory
from tests.helpers import bearer_client, get_token, payments_url, row_counts

VALID = {"debit_type": "PRINT", "amount": "2.50", "payment_type": "CASH", "register_id": 1}


def raw(body: str, content_type="application/json"):
    return {"raw": body, "content_type": content_type}


SHAPE_CASES = [
    # (id, body, status, error_code, path of the first error or None)
    ("amount zero", {**VALID, "amount": 0}, 400, "invalid_amount", "/body/amount"),
    ("amount negative", {**VALID, "amount": "-1"}, 400, "invalid_amount", "/body/amount"),
    ("amount decimal comma", {**VALID, "amount": "2,50"}, 400, "invalid_amount", "/body/amount"),
    ("amount NaN string", {**VALID, "amount": "NaN"}, 400, "invalid_amount", "/body/amount"),
    ("amount boolean", {**VALID, "amount": True}, 400, "invalid_amount", "/body/amount"),
    ("amount exponent string", {**VALID, "amount": "1e2"}, 400, "invalid_amount", "/body/amount"),
    ("amount empty string", {**VALID, "amount": ""}, 400, "invalid_amount", "/body/amount"),
    ("amount null", {**VALID, "amount": None}, 400, "invalid_amount", "/body/amount"),
    ("amount missing", {k: v for k, v in VALID.items() if k != "amount"}, 400, "invalid_amount",
     "/body/amount"),
    ("amount array", {**VALID, "amount": [2]}, 400, "invalid_amount", "/body/amount"),
    ("amount 7 decimals", raw('{"debit_type":"PRINT","amount":1.2345678,"payment_type":"CASH",'
                              '"register_id":1}'), 400, "invalid_amount", "/body/amount"),
    ("amount above max", {**VALID, "amount": "10000.000001"}, 400, "invalid_amount",
     "/body/amount"),
    ("amount 1e309", raw('{"debit_type":"PRINT","amount":1e309,"payment_type":"CASH",'
                         '"register_id":1}'), 400, "invalid_amount", "/body/amount"),
    ("unknown property", {**VALID, "amont": 2}, 400, "unknown_property", "/body/amont"),
    # Without a debit_type the body pays what the patron owes (issue 15); patron 42 owes nothing.
    ("debit_type missing", {k: v for k, v in VALID.items() if k != "debit_type"}, 400,
     "amount_exceeds_outstanding", None),
    ("debit_type null", {**VALID, "debit_type": None}, 400, "invalid_debit_type",
     "/body/debit_type"),
    ("debit_type number", {**VALID, "debit_type": 5}, 400, "invalid_debit_type",
     "/body/debit_type"),
    ("payment_type missing", {k: v for k, v in VALID.items() if k != "payment_type"}, 400,
     "invalid_payment_type", "/body/payment_type"),
    ("register_id string", {**VALID, "register_id": "1"}, 400, "invalid_register_id",
     "/body/register_id"),
    ("register_id boolean", {**VALID, "register_id": True}, 400, "invalid_register_id",
     "/body/register_id"),
    ("register_id zero", {**VALID, "register_id": 0}, 400, "invalid_register_id",
     "/body/register_id"),
    ("register_id fraction", raw('{"debit_type":"PRINT","amount":1,"payment_type":"CASH",'
                                 '"register_id":1.5}'), 400, "invalid_register_id",
     "/body/register_id"),
    ("library_id number", {**VALID, "library_id": 5}, 400, "invalid_library_id",
     "/body/library_id"),
    ("description number", {**VALID, "description": 5}, 400, "invalid_description",
     "/body/description"),
    ("description too long", {**VALID, "description": "x" * 2001}, 400, "invalid_description",
     "/body/description"),
    ("note null", {**VALID, "note": None}, 400, "invalid_note", "/body/note"),
    ("external_id empty", {**VALID, "external_id": ""}, 400, "invalid_external_id",
     "/body/external_id"),
    ("external_id control char", {**VALID, "external_id": "a\nb"}, 400, "invalid_external_id",
     "/body/external_id"),
    ("external_id too long", {**VALID, "external_id": "x" * 101}, 400, "invalid_external_id",
     "/body/external_id"),
    ("body is an array", raw("[1, 2]"), 400, "invalid_request", "/body"),
    ("body is null", raw("null"), 400, "invalid_request", "/body"),
    ("malformed JSON", raw('{"debit_type": "PRINT",'), 400, "malformed_json", None),
    ("NaN literal", raw('{"debit_type":"PRINT","amount":NaN,"payment_type":"CASH"}'), 400,
     "malformed_json", None),
    ("text/plain", raw(json.dumps(VALID), "text/plain"), 415, "unsupported_media_type", None),
    ("form-encoded", raw("debit_type=PRINT&amount=2.5", "application/x-www-form-urlencoded"),
     415, "unsupported_media_type", None),
]


def post(api, body, *, patron_id=42, headers=None):
    headers = headers or {}
    if isinstance(body, dict) and "raw" in body:
        return api.post(payments_url(patron_id), body["raw"], content_type=body["content_type"],
                        **headers)
    return api.post(payments_url(patron_id), body, format="json", **headers)


def assert_refused(response, status, code, before, path=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error_code"] == code
    assert isinstance(body["error"], str) and body["error"].endswith(".")
    if path is not None:
        assert path in [e["path"] for e in body["errors"]]
        assert all(set(e) == {"message", "path"} for e in body["errors"])
    assert row_counts() == before, "a refused request wrote rows"


@pytest.mark.parametrize("case", SHAPE_CASES, ids=[c[0] for c in SHAPE_CASES])
def test_request_shape_rules(kiosk, case):
    _, body, status, code, path = case
    before = row_counts()
    assert_refused(post(kiosk.api, body), status, code, before, path)


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "clé", "tab\tkey"])
def test_bad_idempotency_keys(kiosk, key):
    before = row_counts()
    response = post(kiosk.api, VALID, headers={"HTTP_IDEMPOTENCY_KEY": key})
    assert_refused(response, 400, "invalid_idempotency_key", before)


@pytest.mark.parametrize("patron_id", ["abc", "-1", "1.5", "4２"])
def test_bad_patron_id_in_path(kiosk, patron_id):
    before = row_counts()
    assert_refused(post(kiosk.api, VALID, patron_id=patron_id), 400, "invalid_patron_id", before,
                   "/path/patron_id")


def test_unknown_patron_is_404(kiosk):
    before = row_counts()
    assert_refused(post(kiosk.api, VALID, patron_id=999), 404, "patron_not_found", before)


# --- Koha configuration rules (400) ------------------------------------------------------------
def archive_print(koha):
    DebitType.objects.filter(code="PRINT").update(archived=True)


def print_only_at_mpl(koha):
    DebitTypeLibrary.objects.create(debit_type_code="PRINT", branchcode="MPL")


def sip01_only_at_mpl(koha):
    av = AuthorisedValue.objects.get(category="PAYMENT_TYPE", authorised_value="SIP01")
    AuthorisedValueLibrary.objects.create(av_id=av.id, branchcode="MPL")


def archive_register(koha):
    CashRegister.objects.filter(pk=1).update(archived=True)


RULE_CASES = [
    ("unknown debit type", None, {"debit_type": "NOPE"}, "unknown_debit_type"),
    ("debit type in the wrong case", None, {"debit_type": "print"}, "unknown_debit_type"),
    ("archived debit type", archive_print, {}, "debit_type_archived"),
    ("system debit type", None, {"debit_type": "OVERDUE"}, "debit_type_not_allowed"),
    ("debit type limited to another library", print_only_at_mpl, {}, "debit_type_not_at_library"),
    ("unknown payment type", None, {"payment_type": "BITCOIN"}, "invalid_payment_type"),
    ("payment type in the wrong case", None, {"payment_type": "cash"}, "invalid_payment_type"),
    ("payment type limited to another library", sip01_only_at_mpl, {"payment_type": "SIP01"},
     "payment_type_not_at_library"),
    ("cash without register", None, {"register_id": None}, "register_required"),
    ("SIP00 without register", None, {"register_id": None, "payment_type": "SIP00"},
     "register_required"),
    ("unknown register", None, {"register_id": 999}, "unknown_register"),
    ("archived register", archive_register, {}, "register_archived"),
    ("unknown library", None, {"library_id": "NOPE"}, "unknown_library"),
]


@pytest.mark.parametrize("case", RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_koha_configuration_rules(koha, kiosk, case):
    _, setup, overrides, code = case
    if setup:
        setup(koha)
    before = row_counts()
    assert_refused(post(kiosk.api, {**VALID, **overrides}), 400, code, before)


def test_card_payment_without_register_is_fine_when_not_cash(kiosk):
    response = post(kiosk.api, {**VALID, "register_id": None, "payment_type": "SIP01"})
    assert response.status_code == 201, response.content


def test_cash_without_register_is_fine_when_registers_are_off(koha, kiosk):
    from koha.models import SystemPreference

    SystemPreference.objects.filter(variable="UseCashRegisters").update(value="0")
    assert post(kiosk.api, {**VALID, "register_id": None}).status_code == 201


# --- multi-library clients and scope (403) -----------------------------------------------------
def client_api(name, **scope):
    credentials = create_api_client(name=name, staff_patron_id=51, **scope)
    return bearer_client(get_token(credentials))


def test_client_of_library_a_cannot_use_a_register_of_library_b(koha, kiosk):
    before = row_counts()
    response = post(kiosk.api, {**VALID, "register_id": koha.other_register.id})
    assert_refused(response, 403, "register_not_allowed", before)
    response = post(kiosk.api, {**VALID, "register_id": koha.other_register.id,
                                "library_id": "CPL"})
    assert_refused(response, 403, "register_not_allowed", before)


def test_client_cannot_record_for_another_library(koha, kiosk):
    before = row_counts()
    response = post(kiosk.api, {**VALID, "register_id": None, "payment_type": "SIP01",
                                "library_id": "MPL"})
    assert_refused(response, 403, "library_not_allowed", before)


def test_client_limited_to_some_registers(koha):
    other_cpl = CashRegisterFactory(name="Back office", library=koha.cpl)
    api = client_api("Till 2 only", library_ids=["CPL"], register_ids=[other_cpl.id])
    before = row_counts()
    assert_refused(post(api, VALID), 403, "register_not_allowed", before)
    assert post(api, {**VALID, "register_id": other_cpl.id}).status_code == 201


def test_client_limited_to_some_debit_types(koha):
    DebitTypeFactory(code="COPY")
    api = client_api("Copier", library_ids=["CPL"], debit_type_codes=["COPY"])
    before = row_counts()
    assert_refused(post(api, VALID), 403, "debit_type_not_allowed_for_client", before)
    assert post(api, {**VALID, "debit_type": "COPY"}).status_code == 201


def test_several_libraries_need_library_or_register(koha):
    api = client_api("Both", library_ids=["CPL", "MPL"])
    before = row_counts()
    response = post(api, {**VALID, "register_id": None, "payment_type": "SIP01"})
    assert_refused(response, 400, "library_required", before)
    response = post(api, {**VALID, "register_id": koha.other_register.id, "library_id": "CPL"})
    assert_refused(response, 400, "register_library_mismatch", before)
    # the register says which library
    response = post(api, {**VALID, "register_id": koha.other_register.id})
    assert response.status_code == 201, response.content
    assert response.json()["credit"]["library_id"] == "MPL"


# --- authentication (401) ----------------------------------------------------------------------
def test_no_token_is_401_even_with_a_malformed_body(kiosk):
    from rest_framework.test import APIClient

    before = row_counts()
    response = APIClient().post(payments_url(), "{not json", content_type="application/json")
    assert_refused(response, 401, "unauthenticated", before)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_bad_token_is_401(kiosk):
    before = row_counts()
    assert_refused(post(bearer_client("not-a-token"), VALID), 401, "invalid_token", before)
