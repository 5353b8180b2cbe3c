"""action_logs.info is what Perl's Data::Dumper prints: checked against real Perl when the machine
has it (JSON::PP gives the values the types Koha's JSON decoding gives them)."""
import shutil
import subprocess
from decimal import Decimal

import pytest
import simplejson

from koha.dumper import credit_log_info, debit_log_info, dumper


def perl_dumper(values: dict) -> str:
    script = ("use JSON::PP; use Data::Dumper; $Data::Dumper::Sortkeys = 1; local $/; "
              "print Dumper(JSON::PP->new->utf8->decode(<STDIN>));")
    payload = simplejson.dumps(values, use_decimal=True).encode()
    return subprocess.run(["perl", "-e", script], input=payload, capture_output=True,
                          check=True).stdout.decode()


def perl_available() -> bool:
    if shutil.which("perl") is None:
        return False
    probe = subprocess.run(["perl", "-MJSON::PP", "-MData::Dumper", "-e", "1"],
                           capture_output=True)
    return probe.returncode == 0


CASES = [
    {"action": "create_PRINT", "borrowernumber": 42, "amount": Decimal("2.5"),
     "description": "Printing", "note": "", "itemnumber": None, "manager_id": 51},
    {"amount": Decimal("-2.5"), "whole": Decimal("10000"), "negative_whole": Decimal("-5"),
     "tiny": Decimal("0.000001"), "small": Decimal("0.00012"), "precise": Decimal("1234.567891"),
     "tenth": Decimal("0.1"), "cents": Decimal("-0.05"), "huge": Decimal("1234567890123456.5"),
     "long": Decimal("0.12345678901234567")},
    {"quote": "it's", "backslash": "a\\b", "accent": "Café $x @y \"q\"", "euro": "5 €",
     "newline": "two\nlines", "big": 12345678901, "big_negative": -1234567890},
]


@pytest.mark.skipif(not perl_available(), reason="perl with JSON::PP and Data::Dumper not found")
@pytest.mark.parametrize("values", CASES)
def test_dumper_matches_perl(values):
    assert dumper(dict(sorted(values.items()))) == perl_dumper(values)


def test_debit_and_credit_info_have_the_spec_keys_in_order():
    debit = debit_log_info(debit_type="PRINT", patron_id=42, amount=Decimal("5"),
                           description="", note="", manager_id=51)
    credit = credit_log_info(credit_type="PAYMENT", patron_id=42, amount=Decimal("5"),
                             description="", note="", manager_id=51, library_id="CPL")
    keys = lambda text: [line.split("'")[1] for line in text.splitlines()[1:-1]]  # noqa: E731
    assert keys(debit) == ["action", "borrowernumber", "amount", "description",
                           "amountoutstanding", "debit_type_code", "note", "itemnumber",
                           "manager_id"]
    assert keys(credit) == ["action", "borrowernumber", "amount", "description",
                            "amountoutstanding", "credit_type_code", "note", "itemnumber",
                            "manager_id", "branchcode"]
    assert "'amount' => 5," in debit and "'amount' => -5," in credit
