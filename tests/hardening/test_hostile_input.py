"""A buggy or hostile terminal: a table of bad requests, each sent as raw bytes with its own
headers. Every one must get its documented 4xx, in Koha's error shape (a sentence in ``error``,
a snake_case ``error_code``), and write NOTHING — every Koha table and kohapay's intake table are
counted before and after."""
import json
import re

import pytest
from django.test import Client

from koha.models import CashRegister, DebitType
from tests.factories import CashRegisterFactory, DebitTypeFactory
from tests.helpers import payments_url, row_counts

VALID = {"debit_type": "PRINT", "amount": "2.50", "payment_type": "CASH", "register_id": 1}
URL = payments_url()
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


def body(**overrides) -> bytes:
    """The valid intake body with some properties replaced (``None`` values are sent as null)."""
    return json.dumps({**VALID, **overrides}).encode()


def lines(**overrides) -> bytes:
    """A payment of existing debits (no debit_type) naming account line 1."""
    values = {k: v for k, v in VALID.items() if k != "debit_type"}
    return json.dumps({**values, "account_lines_ids": [1], **overrides}).encode()


def without(name: str) -> bytes:
    return json.dumps({k: v for k, v in VALID.items() if k != name}).encode()


def case(name, status, code, data=None, *, method="POST", path=URL, content_type="application/json",
         headers=None):
    return pytest.param(
        {"method": method, "path": path, "data": body() if data is None else data,
         "content_type": content_type, "headers": headers or {}}, status, code, id=name)


HUGE = "9" * 400
CORPUS = [
    # --- not JSON, or not the JSON we want -----------------------------------------------------
    case("empty body", 400, "invalid_amount", b""),  # no debit_type: a payment of debits
    case("truncated JSON", 400, "malformed_json", body()[:-9]),
    case("JSON cut after a key", 400, "malformed_json", b'{"debit_type":'),
    case("single quotes", 400, "malformed_json", b"{'debit_type': 'PRINT'}"),
    case("trailing comma", 400, "malformed_json", b'{"debit_type": "PRINT",}'),
    case("two documents", 400, "malformed_json", body() + body()),
    case("comment in JSON", 400, "malformed_json", b'{"amount": 2.5 /* two fifty */}'),
    case("array instead of object", 400, "invalid_request", json.dumps([VALID]).encode()),
    case("string instead of object", 400, "invalid_request", b'"PRINT"'),
    case("number instead of object", 400, "invalid_request", b"2.5"),
    case("null instead of object", 400, "invalid_request", b"null"),
    case("invalid UTF-8", 400, "malformed_json", b'{"debit_type": "PR\xffINT", "amount": 2.5}'),
    case("UTF-16 body declared UTF-8", 400, "malformed_json", json.dumps(VALID).encode("utf-16")),
    case("UTF-8 body declared UTF-16", 400, "malformed_json", body(),
         content_type="application/json; charset=utf-16"),
    case("NUL byte in the JSON", 400, "malformed_json", b'{"debit_type": "PRINT"\x00}'),
    # --- amount ------------------------------------------------------------------------------
    case("amount NaN", 400, "malformed_json", body().replace(b'"2.50"', b"NaN")),
    case("amount Infinity", 400, "malformed_json", body().replace(b'"2.50"', b"Infinity")),
    case("amount -Infinity", 400, "malformed_json", body().replace(b'"2.50"', b"-Infinity")),
    case("amount 1e309", 400, "invalid_amount", body().replace(b'"2.50"', b"1e309")),
    case("amount 1e-7", 400, "invalid_amount", body().replace(b'"2.50"', b"1e-7")),
    case("amount negative", 400, "invalid_amount", body(amount=-2.5)),
    case("amount negative string", 400, "invalid_amount", body(amount="-2.50")),
    case("amount zero", 400, "invalid_amount", body(amount=0)),
    case("amount 0.000000", 400, "invalid_amount", body(amount="0.000000")),
    case("amount 7 decimals", 400, "invalid_amount", body(amount="2.5000001")),
    case("amount above the maximum", 400, "invalid_amount", body(amount="10000.01")),
    case("amount huge number", 400, "invalid_amount", body().replace(b'"2.50"', HUGE.encode())),
    case("amount huge string", 400, "invalid_amount", body(amount=HUGE)),
    case("amount with a comma", 400, "invalid_amount", body(amount="2,50")),
    case("amount with currency", 400, "invalid_amount", body(amount="€2.50")),
    case("amount with spaces", 400, "invalid_amount", body(amount=" 2.50 ")),
    case("amount hexadecimal", 400, "invalid_amount", body(amount="0x10")),
    case("amount boolean", 400, "invalid_amount", body(amount=True)),
    case("amount array", 400, "invalid_amount", body(amount=[2.5])),
    case("amount object", 400, "invalid_amount", body(amount={"value": 2.5})),
    case("amount null", 400, "invalid_amount", body(amount=None)),
    case("amount missing", 400, "invalid_amount", without("amount")),
    case("amount NaN string", 400, "invalid_amount", body(amount="NaN")),
    case("duplicate key, last one negative", 400, "invalid_amount",
         body()[:-1] + b', "amount": -1}'),
    # --- other properties: types, lengths ----------------------------------------------------
    case("debit_type number", 400, "invalid_debit_type", body(debit_type=5)),
    case("debit_type array", 400, "invalid_debit_type", body(debit_type=["PRINT"])),
    case("debit_type object", 400, "invalid_debit_type", body(debit_type={"code": "PRINT"})),
    # without a debit_type, a payment of what the patron owes (issue 15): patron 42 owes nothing
    case("debit_type missing", 400, "amount_exceeds_outstanding", without("debit_type")),
    case("debit_type 81 characters", 400, "invalid_debit_type", body(debit_type="P" * 81)),
    case("payment_type null", 400, "invalid_payment_type", body(payment_type=None)),
    case("register_id string", 400, "invalid_register_id", body(register_id="1")),
    case("register_id fraction", 400, "invalid_register_id", body(register_id=1.5)),
    case("register_id boolean", 400, "invalid_register_id", body(register_id=True)),
    case("register_id zero", 400, "invalid_register_id", body(register_id=0)),
    case("register_id negative", 400, "invalid_register_id", body(register_id=-1)),
    case("register_id beyond int(11)", 400, "invalid_register_id", body(register_id=2**31)),
    case("library_id number", 400, "invalid_library_id", body(library_id=5)),
    case("library_id 11 characters", 400, "invalid_library_id", body(library_id="CPLCPLCPLCP")),
    case("description 2001 characters", 400, "invalid_description", body(description="x" * 2001)),
    case("description huge (60 kB)", 400, "invalid_description", body(description="x" * 60_000)),
    case("note object", 400, "invalid_note", body(note={})),
    case("external_id empty", 400, "invalid_external_id", body(external_id="")),
    case("external_id control characters", 400, "invalid_external_id",
         body(external_id="ref\n1\x1b[31m")),
    case("external_id 101 characters", 400, "invalid_external_id", body(external_id="r" * 101)),
    case("debit_type and account_lines_ids", 400, "ambiguous_payment",
         body(account_lines_ids=[1])),
    case("account_lines_ids a number", 400, "invalid_account_lines_ids",
         lines(account_lines_ids=118)),
    case("account_lines_ids null", 400, "invalid_account_lines_ids",
         lines(account_lines_ids=None)),
    case("account_lines_ids empty", 400, "invalid_account_lines_ids", lines(account_lines_ids=[])),
    case("account_lines_ids strings", 400, "invalid_account_lines_ids",
         lines(account_lines_ids=["118"])),
    case("account_lines_ids fraction", 400, "invalid_account_lines_ids",
         lines().replace(b"[1]", b"[1.5]")),
    case("account_lines_ids zero", 400, "invalid_account_lines_ids", lines(account_lines_ids=[0])),
    case("account_lines_ids beyond int(11)", 400, "invalid_account_lines_ids",
         lines(account_lines_ids=[2**31])),
    case("account_lines_ids nested", 400, "invalid_account_lines_ids",
         lines(account_lines_ids=[[1]])),
    case("account_lines_ids repeated", 400, "invalid_account_lines_ids",
         lines(account_lines_ids=[1, 2, 1])),
    case("account_lines_ids 101", 400, "invalid_account_lines_ids",
         lines(account_lines_ids=list(range(1, 102)))),
    case("account_lines_ids SQL", 400, "invalid_account_lines_ids",
         lines(account_lines_ids=["1) OR (1=1"])),
    case("account_lines_ids unknown", 400, "invalid_account_line",
         lines(account_lines_ids=[999_999])),
    case("unknown property", 400, "unknown_property", body(amont="2.50")),
    case("prototype pollution property", 400, "unknown_property", body(__proto__={"admin": 1})),
    # --- SQL and HTML where codes go (refused as unknown codes, never executed) ----------------
    case("SQL in debit_type", 400, "unknown_debit_type", body(debit_type="PRINT' OR '1'='1")),
    case("SQL comment in debit_type", 400, "unknown_debit_type", body(debit_type="PRINT'; --")),
    case("SQL in payment_type", 400, "invalid_payment_type",
         body(payment_type="CASH'); DROP TABLE accountlines; --")),
    case("HTML in payment_type", 400, "invalid_payment_type",
         body(payment_type="<script>alert(1)</script>")),
    case("SQL in library_id", 400, "unknown_library", body(library_id="CPL'--")),
    case("HTML in debit_type", 400, "unknown_debit_type", body(debit_type="<img src=x>")),
    # --- Koha's configuration and the client's scope ------------------------------------------
    case("unknown debit type", 400, "unknown_debit_type", body(debit_type="NOPE")),
    case("archived debit type", 400, "debit_type_archived", body(debit_type="OLDFEE")),
    case("debit type neither invoiced nor sold", 400, "debit_type_not_allowed",
         body(debit_type="OVERDUE")),
    case("unknown payment type", 400, "invalid_payment_type", body(payment_type="BITCOIN")),
    case("unknown register", 400, "unknown_register", body(register_id=999_999)),
    case("archived register", 400, "register_archived", body(register_id=77)),
    case("register of another library", 403, "register_not_allowed", body(register_id=78)),
    case("library not the client's", 403, "library_not_allowed", body(library_id="MPL")),
    case("cash without a register", 400, "register_required", body(register_id=None)),
    # --- the path ----------------------------------------------------------------------------
    case("patron id not numeric", 400, "invalid_patron_id", path=payments_url("abc")),
    case("patron id negative", 400, "invalid_patron_id", path=payments_url("-1")),
    case("patron id with SQL", 400, "invalid_patron_id", path=payments_url("42%20OR%201=1")),
    case("patron id beyond int(11)", 400, "invalid_patron_id", path=payments_url("99999999999")),
    case("patron id in full-width digits", 400, "invalid_patron_id", path=payments_url("４２")),
    case("unknown patron", 404, "patron_not_found", path=payments_url(999_999)),
    case("payment id not numeric", 400, "invalid_payment_id", method="GET",
         path=payments_url(42, "x"), data=b""),
    case("payment id negative", 400, "invalid_payment_id", method="GET",
         path=payments_url(42, "-5"), data=b""),
    case("no such route under the API", 404, "not_found", path="/api/v1/patrons/42/account/nope"),
    # --- method, content type, size ----------------------------------------------------------
    case("PUT", 405, "method_not_allowed", method="PUT"),
    case("DELETE", 405, "method_not_allowed", method="DELETE", data=b""),
    case("PATCH", 405, "method_not_allowed", method="PATCH"),
    case("text/plain", 415, "unsupported_media_type", content_type="text/plain"),
    case("form-encoded", 415, "unsupported_media_type",
         data=b"debit_type=PRINT&amount=2.50&payment_type=CASH&register_id=1",
         content_type="application/x-www-form-urlencoded"),
    case("multipart", 415, "unsupported_media_type",
         data=b"--b\r\nContent-Disposition: form-data; name=\"amount\"\r\n\r\n2.50\r\n--b--\r\n",
         content_type="multipart/form-data; boundary=b"),
    case("XML", 415, "unsupported_media_type", data=b"<payment amount='2.50'/>",
         content_type="application/xml"),
    case("oversized body (100 kB)", 413, "request_too_large",
         body(description="x" * 100_000)),
    case("wants XML back", 406, "not_acceptable", headers={"HTTP_ACCEPT": "application/xml"}),
    # --- Idempotency-Key ---------------------------------------------------------------------
    case("empty key", 400, "invalid_idempotency_key", headers={"HTTP_IDEMPOTENCY_KEY": ""}),
    case("key with a space", 400, "invalid_idempotency_key",
         headers={"HTTP_IDEMPOTENCY_KEY": "has space"}),
    case("key of 256 characters", 400, "invalid_idempotency_key",
         headers={"HTTP_IDEMPOTENCY_KEY": "k" * 256}),
    case("key with a control character", 400, "invalid_idempotency_key",
         headers={"HTTP_IDEMPOTENCY_KEY": "key\x07"}),
    case("key reused for another amount", 422, "idempotency_key_reused", body(amount="3.00"),
         headers={"HTTP_IDEMPOTENCY_KEY": "used-key"}),
    case("key reused for another patron", 422, "idempotency_key_reused",
         path=payments_url(43), headers={"HTTP_IDEMPOTENCY_KEY": "used-key"}),
    case("external_id reused", 409, "duplicate_external_id", body(external_id="used-ref")),
]


@pytest.fixture
def world(koha, kiosk, pay):
    """The §10 world plus what the corpus refers to, and one earlier payment (key "used-key",
    external_id "used-ref") to reuse."""
    DebitTypeFactory(code="OLDFEE", archived=True)
    CashRegisterFactory(id=77, name="Old till", library=koha.cpl, archived=True)
    CashRegister.objects.filter(pk=koha.other_register.pk).update(id=78)
    from tests.factories import PatronFactory

    PatronFactory(borrowernumber=43, library=koha.cpl)
    assert pay(key="used-key", external_id="used-ref").status_code == 201
    assert DebitType.objects.filter(code="OVERDUE", can_be_invoiced=False).exists()
    return kiosk


@pytest.mark.parametrize("request_, status, code", CORPUS)
def test_bad_request_is_refused_in_kohas_shape_and_writes_nothing(world, request_, status, code):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.token}")
    before = row_counts()
    response = client.generic(request_["method"], request_["path"], request_["data"],
                              content_type=request_["content_type"], **request_["headers"])
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    answer = response.json()
    assert answer["error_code"] == code, answer
    assert SNAKE.match(answer["error_code"])
    assert isinstance(answer["error"], str) and len(answer["error"]) > 3
    assert answer["error"].rstrip().endswith((".", "?", "!")), answer["error"]
    for problem in answer.get("errors", []):
        assert set(problem) == {"message", "path"} and problem["path"].startswith("/")
    assert row_counts() == before


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 60
    print(f"\nhostile corpus: {len(CORPUS)} bad requests")


def test_sql_and_html_in_free_text_are_stored_verbatim_never_run(world, pay):
    """Free text is data: recorded byte for byte, through parameters, not as SQL."""
    hostile = "Robert'); DROP TABLE accountlines; -- <script>alert(1)</script>"
    response = pay(description=hostile, note=hostile, external_id="x'; DELETE FROM borrowers;--")
    assert response.status_code == 201, response.content
    assert response.json()["debit"]["description"] == hostile
    before = row_counts()
    assert before["accountlines"] == 4 and before["borrowers"] >= 3


def test_empty_query_values_are_refused_not_ignored(world):
    """DRF reads ``?name=`` of an optional field as absent; both were found by schemathesis:
    an empty external_id listed every payment, empty dates gave the default range."""
    from django.contrib.auth.models import User

    from registers.access import ensure_groups

    listing = Client(HTTP_AUTHORIZATION=f"Bearer {world.token}").get(f"{URL}?external_id=")
    assert listing.status_code == 400
    assert listing.json()["error_code"] == "invalid_external_id"
    user = User.objects.create_user("finance-empty-query")
    user.groups.add(ensure_groups()["Finance staff"])
    staff = Client()
    staff.force_login(user)
    totals = staff.get("/api/v1/cash_registers/1/daily_totals?from=&to=")
    assert totals.status_code == 400
    assert {e["path"] for e in totals.json()["errors"]} == {"/query/from", "/query/to"}
