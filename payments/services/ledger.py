"""The ledger facts the intake checks before it commits (django-hordak's "invariants are checked,
not assumed"): Koha's balance, and what a settled charge-and-pay must look like."""
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from koha.models import AccountLine, AccountOffset, Patron

ZERO = Decimal(0)
MONEY = DecimalField(max_digits=28, decimal_places=6)


def patron_balance(patron_ref) -> Coalesce:
    """Koha's ``Koha::Account->balance`` as an expression: SUM(amountoutstanding) of the patron's
    lines, 0 without lines. ``patron_ref`` is a borrowernumber or an ``OuterRef``."""
    total = (
        AccountLine.objects.filter(patron=patron_ref).order_by().values("patron")
        .annotate(total=Sum("amountoutstanding")).values("total")
    )
    return Coalesce(Subquery(total, output_field=MONEY), Value(ZERO), output_field=MONEY)


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


def locked_balance(patron_id: int) -> Decimal | None:
    """Lock the patron's ``borrowers`` row (FOR UPDATE) and return Koha's balance; None if there
    is no such patron. The balance is a *correlated* subquery on purpose: evaluated for the
    locked row, i.e. after the lock is granted, so it sees what a concurrent intake for the same
    patron committed while we waited (READ COMMITTED)."""
    return (
        Patron.objects.select_for_update().filter(pk=patron_id)
        .annotate(balance=patron_balance(OuterRef("pk")))
        .values_list("balance", flat=True).first()
    )


def written_lines(patron_id: int, debit_id: int, credit_id: int
                  ) -> tuple[dict[int, AccountLine], Decimal | None]:
    """The two lines as stored (by id) and the patron's balance now, in one read."""
    lines = list(AccountLine.objects.filter(pk__in=[debit_id, credit_id])
                 .annotate(patron_balance=patron_balance(patron_id)))
    return {line.pk: line for line in lines}, lines[0].patron_balance if lines else None
