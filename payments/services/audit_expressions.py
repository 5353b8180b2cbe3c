"""The pieces ``verify_ledger``'s checks are written in (``audit_checks``, ``audit_pay_checks``):
the ``Check`` itself, scalars of the stored response, NULL-aware comparisons, and an intake's
lines read by primary key."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.db.models.lookups import Exact, IsNull

from koha.fields import MoneyField
from koha.models import AccountLine


@dataclass(frozen=True)
class Check:
    code: str
    severity: str  # "anomaly" fails the command; "notice" is only reported
    description: str
    predicate: Callable[[], Q]  # true for a finding


class JsonValue(Func):
    """A scalar of the stored response as text; JSON null is SQL NULL (MariaDB's JSON_VALUE,
    SQLite's json_extract)."""

    function = "JSON_VALUE"
    output_field = CharField()

    def __init__(self, path: str, source=None):
        super().__init__(source if source is not None else F("response_body"), Value(path))

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="json_extract", **extra)


class JsonLength(Func):
    """The length of an array in the stored response (MariaDB's JSON_LENGTH, SQLite's
    json_array_length)."""

    function = "JSON_LENGTH"
    output_field = IntegerField()

    def __init__(self, path: str):
        super().__init__(F("response_body"), Value(path))

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="json_array_length", **extra)


def same(left, right) -> Case:
    """``left <=> right``: equal, or both NULL — never NULL itself."""
    return Case(When(Exact(left, right), then=True),
                When(Q(IsNull(left, True)) & Q(IsNull(right, True)), then=True),
                default=False, output_field=BooleanField())


def differ(left, right) -> Q:
    """``left <> right`` (NULL, so not a finding, when either is NULL)."""
    return ~Q(Exact(left, right))


def negated(amount):
    return ExpressionWrapper(amount * Value(Decimal(-1)), output_field=MoneyField())


# The intake's two lines, read by primary key: NULL columns when a line is missing, as a LEFT
# JOIN would give (a pay has no debit of its own: its columns are NULL).
def debit(column: str) -> Subquery:
    return Subquery(AccountLine.objects.filter(pk=OuterRef("debit_id")).values(column)[:1])


def credit(column: str) -> Subquery:
    return Subquery(AccountLine.objects.filter(pk=OuterRef("payment_id")).values(column)[:1])


def amount(source=None) -> Cast:
    """A: the amount of the stored 201."""
    return Cast(JsonValue("$.debit.amount", source), MoneyField())


def unchanged() -> Q:
    """Koha has not changed the lines since (a pay has no debit of its own: its NULL passes)."""
    return Q(IsNull(debit("status"), True)) & Q(IsNull(credit("status"), True))


def refunded_by_kohapay() -> Q:
    """The charge's debit is REFUNDED by kohapay's own refund of it, the payment otherwise as it
    was: kohapay's doing, not a change Koha made (its amounts and outstanding are untouched)."""
    from payments.models import RefundLine  # the models import this module's neighbours

    return (Q(Exact(debit("status"), Value("REFUNDED"))) & Q(IsNull(credit("status"), True))
            & Q(Exists(RefundLine.objects.filter(debit_id=OuterRef("debit_id")))))


CHARGE, PAY = Q(kind="charge"), Q(kind="pay")
