"""The bug's test plan, literally: a patron with no charges pays at a register in one call."""
from decimal import Decimal

from django.db.models import Sum

from koha.models import AccountLine, AccountOffset
from tests.helpers import payments_url


def test_intake_with_register_links_debit_and_credit_and_keeps_balance(koha, kiosk, pay):
    assert not AccountLine.objects.filter(patron_id=42).exists()  # no charges

    response = pay({"debit_type": "PRINT", "amount": 2.5, "payment_type": "CASH",
                    "register_id": 1})

    assert response.status_code == 201, response.content
    body = response.json()
    debit = AccountLine.objects.get(pk=body["debit"]["account_line_id"])
    credit = AccountLine.objects.get(pk=body["payment_id"])
    assert debit.debit_type_id == "PRINT" and credit.credit_type_id == "PAYMENT"
    # linked by offsets: the credit's APPLY offset points at the debit
    apply = AccountOffset.objects.get(type="APPLY")
    assert (apply.credit_id, apply.debit_id, apply.amount) == (credit.pk, debit.pk, Decimal("-2.5"))
    assert debit.amountoutstanding == 0
    balance = AccountLine.objects.filter(patron_id=42).aggregate(b=Sum("amountoutstanding"))["b"]
    assert balance == 0 and Decimal(str(body["balance"])) == 0
    # the register's lines include it (only the credit carries the register)
    assert list(koha.register.accountlines.values_list("pk", flat=True)) == [credit.pk]
    assert response["Location"] == payments_url(42, credit.pk)
