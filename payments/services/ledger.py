"""The ledger facts the intake checks before it commits (django-hordak's "invariants are checked,
not assumed"): what a settled charge-and-pay must look like. (Koha's balance is read with the
patron lock and the re-read, ``payments.sql``.)"""
from decimal import Decimal

from koha.models import AccountLine, AccountOffset

ZERO = Decimal(0)


def ledger_problems(amount: Decimal, debit: AccountLine | None, credit: AccountLine | None,
                    offsets: list[AccountOffset]) -> list[str]:
    """What is wrong with a charge-and-pay of ``amount`` as stored; empty when it is whole."""
    if debit is None or credit is None:
        return ["a line is missing"]
    problems = []
    if (debit.amount, credit.amount) != (amount, -amount):
        problems.append(f"amounts are {debit.amount} / {credit.amount}")
    if debit.amountoutstanding != ZERO or credit.amountoutstanding != ZERO:
        problems.append("a line is still outstanding")
    applied = [o for o in offsets if o.type == AccountOffset.Type.APPLY]
    if any((o.credit_id, o.debit_id) != (credit.pk, debit.pk) for o in applied):
        problems.append("an APPLY offset links other lines")
    if sum((o.amount for o in applied), ZERO) != -amount:
        problems.append("the APPLY offsets do not sum to the payment")
    return problems
