"""The ledger facts the intake checks before it commits (django-hordak's "invariants are checked,
not assumed"): what a settled charge-and-pay, and a payment of existing debits, must look like.
(Koha's balance is read with the patron lock and, after the writes, by the re-read — or, for a
charge, by the intake record's own INSERT: ``payments.sql``.)"""
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


def payment_problems(patron_id: int, amount: Decimal, credit: AccountLine | None,
                     lines: dict[int, AccountLine], expected: list[tuple[int, Decimal]],
                     offsets: list[AccountOffset]) -> list[str]:
    """What is wrong with a payment of ``amount`` towards existing debits as stored: ``expected``
    is (debit id, its outstanding now) in the order paid; empty when it is whole."""
    if credit is None or any(line_id not in lines for line_id, _ in expected):
        return ["a line is missing"]
    problems = []
    if credit.amount != -amount or credit.amountoutstanding != ZERO:
        problems.append(f"the credit is {credit.amount}, outstanding {credit.amountoutstanding}")
    for line_id, left in expected:
        debit = lines[line_id]
        if debit.patron_id != patron_id or debit.credit_type_id is not None:
            problems.append(f"line {line_id} is not a debit of the patron")
        elif debit.amountoutstanding != left:
            problems.append(f"debit {line_id} is outstanding {debit.amountoutstanding}, "
                            f"not {left}")
    created = [o.amount for o in offsets if o.type == AccountOffset.Type.CREATE]
    if created != [amount] or any(o.credit_id != credit.pk for o in offsets):
        problems.append("the credit's CREATE offset is not +A")
    applied = [o for o in offsets if o.type == AccountOffset.Type.APPLY]
    if [o.debit_id for o in applied] != [line_id for line_id, _ in expected]:
        problems.append("the APPLY offsets link other debits")
    if sum((o.amount for o in applied), ZERO) != -amount:
        problems.append("the APPLY offsets do not sum to the payment")
    return problems
