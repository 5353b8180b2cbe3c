"""The ledger facts a sale and a refund check before they commit (as ``ledger`` does for the
payments): what a settled ``Koha::Charges::Sales::purchase``, and a ``reduce`` + ``payout``,
must look like as stored. Each returns the problems found, empty when the rows are whole."""
from __future__ import annotations

from decimal import Decimal

from core.money import exact
from koha.models import AccountLine, AccountOffset

ZERO = Decimal(0)
CREATE, APPLY = AccountOffset.Type.CREATE, AccountOffset.Type.APPLY


def sale_problems(plan, debits: list[AccountLine | None], credit: AccountLine | None,
                  offsets: list[AccountOffset]) -> list[str]:
    """``plan``: the ``SalePlan``; ``debits`` in item order."""
    if credit is None or any(debit is None for debit in debits):
        return ["a line is missing"]
    problems = []
    for item, debit in zip(plan.items, debits, strict=True):
        if (debit.amount, debit.amountoutstanding) != (item.amount, ZERO):
            problems.append(f"debit {debit.pk} is {debit.amount}, outstanding "
                            f"{debit.amountoutstanding}, not {item.amount} paid off")
        if debit.patron_id is not None or debit.register_id is not None:
            problems.append(f"debit {debit.pk} carries a patron or a register")
    if (credit.amount, credit.amountoutstanding) != (-plan.total, ZERO):
        problems.append(f"the credit is {credit.amount}, outstanding {credit.amountoutstanding}")
    if (credit.register_id, credit.patron_id) != (plan.register_id, None):
        problems.append("the credit is not on the register, or carries a patron")
    applied = [(o.debit_id, o.amount) for o in offsets if o.type == APPLY]
    if applied != [(debit.pk, -debit.amount) for debit in debits]:
        problems.append("the APPLY offsets do not pay each debit in full")
    return problems


def refund_problems(plan, rows, lines: dict[int, AccountLine],
                    offsets: list[AccountOffset]) -> list[str]:
    """``plan``: the ``RefundPlan``; ``rows``: Koha's rows of each debit refunded
    (``koha.recipes.RefundRows``); ``lines``: every line of them as stored, by id."""
    problems = []
    for row in rows:
        debit, credit, payout = (lines.get(pk) for pk in (row.debit.line_id, row.credit.pk,
                                                           row.payout.pk))
        if debit is None or credit is None or payout is None:
            return ["a line is missing"]
        a = row.amount
        if (credit.credit_type_id, credit.amount, credit.amountoutstanding, credit.status) != (
                "REFUND", -a, ZERO, "PAID"):
            problems.append(f"refund credit {credit.pk} is not a REFUND of -{exact(a)} paid out")
        if (payout.debit_type_id, payout.amount, payout.amountoutstanding, payout.register_id,
                payout.payment_type) != ("PAYOUT", a, ZERO, plan.register_id, plan.payout_type):
            problems.append(f"payout {payout.pk} is not a PAYOUT of {exact(a)} at the register")
        if not (debit.status == "REFUNDED" and debit.amountoutstanding == row.debit.outstanding
                and debit.patron_id == credit.patron_id == payout.patron_id):
            problems.append(f"debit {debit.pk} is not refunded as it was, or the patrons differ")
    expected = [(o.credit_id, o.debit_id, o.type, o.amount)
                for row in rows for o in row.offsets()]
    if [(o.credit_id, o.debit_id, o.type, o.amount) for o in offsets] != expected:
        problems.append("the offsets are not reduce's and payout's")
    return problems
