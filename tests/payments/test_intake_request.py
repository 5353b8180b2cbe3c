"""``validated_intake`` gives exactly the serializer's answer for every body — the same validated
data when the body is valid, a refusal (worded by the serializer itself) when it is not."""
from decimal import Decimal

import pytest

from payments import exceptions as err
from payments.serializers import (
    PaymentIntakeRequestSerializer,
    raise_request_errors,
    validated_intake,
)

FULL = {"debit_type": "PRINT", "amount": "2.50", "payment_type": "CASH", "register_id": 1,
        "library_id": "CPL", "description": "Printing", "note": "kiosk 3",
        "external_id": "txn-0001"}
MINIMAL = {"debit_type": "PRINT", "amount": 2, "payment_type": "CASH"}

FIELD_VALUES = {
    "debit_type": ["P", "P" * 80, "P" * 81, "", " PRINT ", "PRI\x00NT", "PRI\ud800NT", 5, True,
                   None, ["PRINT"], "Ärger €"],
    "amount": ["2.50", "0.000001", "0.0000001", "10000", "10000.000001", "0", "-1", "1e2",
               "2,50", "", " 2.50", Decimal("2.5"), Decimal("2.5000000"), Decimal("1E+2"),
               Decimal("NaN"), Decimal("-0"), 0, 7, True, None, [2], {"value": 2}],
    "payment_type": ["CASH", "C" * 80, "C" * 81, "", None, 0, "CA\x00SH"],
    "register_id": [1, 2**31 - 1, 2**31, 0, -1, True, False, "1", Decimal("1"), Decimal("1.0"),
                    None, [1]],
    "library_id": ["CPL", "L" * 10, "L" * 11, "", None, 3, "C\x00PL", " "],
    "description": ["", "d" * 2000, "d" * 2001, None, "multi\nline\ttext", "a\x00b",
                    "\ud83d", 1, ["x"]],
    "note": ["", "n" * 2000, "n" * 2001, None, "\x07bell", "a\x00b", False],
    "external_id": ["x", "x" * 100, "x" * 101, "", None, "has space ok", "tab\tno",
                    "new\nline", "\u200bzero-width", "caf\u00e9", "a\x00b", "\udfff", 12],
}


def bodies():
    """Every field of FULL and MINIMAL set to each value, each field left out, unknown and
    misplaced properties, and bodies that are not objects at all."""
    cases = [FULL, MINIMAL]
    for base in (FULL, MINIMAL):
        for name, values in FIELD_VALUES.items():
            cases += [{**base, name: value} for value in values]
            cases.append({k: v for k, v in base.items() if k != name})
    cases += [{**FULL, "surprise": 1}, {**MINIMAL, "Amount": "2"}, {}, [], [FULL], "body",
              None, 3, {"amount": "2.50"}]
    return cases


def serializer_answer(body):
    serializer = PaymentIntakeRequestSerializer(data=body)
    return (True, dict(serializer.validated_data)) if serializer.is_valid() else (
        False, serializer.errors)


@pytest.mark.parametrize("body", bodies(), ids=lambda body: repr(body)[:60])
def test_same_answer_as_the_serializer(body):
    valid, expected = serializer_answer(body)
    if valid:
        validated = validated_intake(body)
        assert validated == expected and list(validated) == list(expected)
        assert all(type(validated[k]) is type(expected[k]) for k in validated)
    else:
        with pytest.raises(err.PaymentError) as refused:
            validated_intake(body)
        with pytest.raises(err.PaymentError) as worded:
            raise_request_errors(expected, list(PaymentIntakeRequestSerializer().fields))
        assert type(refused.value) is type(worded.value)
        assert (refused.value.code, refused.value.message, refused.value.errors) == (
            worded.value.code, worded.value.message, worded.value.errors)


def test_defaults_and_exact_amount():
    assert validated_intake(MINIMAL) == {
        "debit_type": "PRINT", "amount": Decimal(2), "payment_type": "CASH",
        "register_id": None, "library_id": None, "description": "", "note": "",
        "external_id": None,
    }
    assert str(validated_intake({**MINIMAL, "amount": "2.500"})["amount"]) == "2.5"
