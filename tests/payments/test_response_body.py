"""The intake's body is built without DRF's serializers (``responses.intake_response_body``):
it must stay exactly what the documented serializers render — keys, order and values."""
from decimal import Decimal

import pytest
import simplejson
from django.db.models import Q

from koha.models import AccountLine, AccountOffset, CreditType, SystemPreference
from payments.responses import PaymentIntakeResultSerializer, intake_response_body


def as_json(data) -> str:  # order-sensitive, amounts exact
    return simplejson.dumps(data, use_decimal=True)


@pytest.mark.parametrize("balance", [Decimal("0.000000"), Decimal("-12.5"), None])
def test_direct_body_is_what_the_serializers_render(kiosk, pay, balance):
    CreditType.objects.filter(code="PAYMENT").update(credit_number_enabled=True)
    SystemPreference.objects.filter(variable="AutoCreditNumber").update(value="annual")
    body = pay(key="k", external_id="ref-1", description="Printing", note="n",
               amount="1234.567891").json()
    debit = AccountLine.objects.get(pk=body["debit"]["account_line_id"])
    credit = AccountLine.objects.get(pk=body["payment_id"])
    offsets = list(AccountOffset.objects.filter(Q(credit=credit) | Q(debit=debit)).order_by("id"))
    rows = {"patron_id": 42, "external_id": "ref-1", "balance": balance, "debit": debit,
            "credit": credit, "offsets": offsets}
    documented = PaymentIntakeResultSerializer({"payment_id": credit.pk, **rows}).data
    assert as_json(intake_response_body(**rows)) == as_json(documented)
    assert credit.credit_number and debit.register_id is None  # both kinds of value rendered
