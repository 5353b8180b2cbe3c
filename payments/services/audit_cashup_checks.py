"""``verify_ledger``'s third pass: the cashups kohapay recorded (``kohapay_cashup_count``, one row
per counted payment type). Each reconciliation's difference must be counted − expected, and its
surplus/deficit line in Koha must be exactly that difference: a CASHUP_SURPLUS credit of
−difference for a surplus, a CASHUP_DEFICIT debit of +difference for a deficit, of the same
register and payment type, outstanding 0, born with a CREATE offset of its own amount — and no
line at all for a balanced count or on a classic Koha (which has no such types)."""
from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.lookups import GreaterThan, IsNull, LessThan

from koha.models import AccountLine, AccountOffset, CashRegisterAction
from payments.services.audit_checks import Check, differ, negated


def line(column: str) -> Subquery:
    """A column of the count's surplus/deficit line, NULL when there is none."""
    return Subquery(AccountLine.objects.filter(pk=OuterRef("line_id")).values(column)[:1])


def _line_wrong() -> Q:
    """Koha's signs: a surplus credit of −difference, a deficit debit of −difference (> 0)."""
    surplus = (Q(GreaterThan(F("difference"), 0))
               & differ(line("credit_type_id"), Value("CASHUP_SURPLUS")))
    deficit = (Q(LessThan(F("difference"), 0))
               & differ(line("debit_type_id"), Value("CASHUP_DEFICIT")))
    return (surplus | deficit | differ(line("amount"), negated(F("difference")))
            | differ(line("register_id"), F("cashup__register_id"))
            | differ(line("payment_type"), F("payment_type"))
            | differ(line("amountoutstanding"), 0))


def _line_missing() -> Q:
    differs = ~Q(difference=0)
    return ((differs & Q(cashup__flavour="reconciling") & (Q(line__isnull=True) | Q(
        IsNull(line("pk"), True))))
            | (~differs | Q(cashup__flavour="classic")) & Q(line__isnull=False))


def _offset_missing() -> Q:
    create = AccountOffset.objects.filter(
        Q(credit_id=OuterRef("line_id")) | Q(debit_id=OuterRef("line_id")),
        type="CREATE", amount=OuterRef("line__amount"))
    return Q(line__isnull=False) & ~Q(Exists(create))


def _action_missing() -> Q:
    return ~Q(Exists(CashRegisterAction.objects.filter(pk=OuterRef("cashup__action_id"),
                                                       code="CASHUP")))


CASHUP_CHECKS = [
    Check("cashup_difference_wrong", "anomaly",
          "a count's difference is not counted − expected",
          lambda: differ(F("difference"), F("counted") - F("expected"))),
    Check("cashup_line_missing", "anomaly",
          "a difference on a Koha with reconciliation has no surplus/deficit line (or a balanced "
          "count, or a classic cashup, has one)", _line_missing),
    Check("cashup_line_wrong", "anomaly",
          "the surplus/deficit line is not the difference (type, amount, register, payment "
          "type, outstanding 0)", _line_wrong),
    Check("cashup_offset_missing", "anomaly",
          "the surplus/deficit line has no CREATE offset of its own amount", _offset_missing),
    Check("cashup_action_removed", "notice",
          "Koha's CASHUP row of the cashup is gone (deleted in Koha)", _action_missing),
]
