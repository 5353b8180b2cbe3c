"""A cashup in Koha's API shapes (``definitions/cashup.yaml``) and its summary as released Koha
computes it (``Koha::Cash::Register::Cashup::summary``, spec §8.4), plus kohapay's
``reconciliation`` when kohapay recorded the cashup. Reads only.

The summary's window is Koha's: the register's lines with ``date`` BETWEEN the previous CASHUP's
``timestamp`` and this one's — inclusive at both ends — or ``date`` < this one's when there is no
previous cashup. Koha returns the hash as it built it: ``from_date``/``to_date`` are its local
database strings (``YYYY-MM-DD HH:MM:SS``), totals plain numbers; so does kohapay.
(Koha main with bug 40445 narrows the window to the two-phase session and leaves the
surplus/deficit lines out; kohapay follows the released summary: docs/api.md.)
"""
from __future__ import annotations

from decimal import Decimal

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, IntegerField, Q, Sum, Value, When

from core.money import exact
from koha.models import AccountLine, AccountOffset, AuthorisedValue, CashRegisterAction, Patron
from koha.recipes.cashup import CASHUP
from payments.models import CashupReconciliation

ZERO = Decimal(0)
KOHA_TEXT_TIME = "%Y-%m-%d %H:%M:%S"


def local(instant):
    """An instant in Koha's time zone (``KOHA_TIME_ZONE``), as Koha's database session reads it."""
    return instant.astimezone(ZoneInfo(settings.KOHA_TIME_ZONE))


def koha_time(instant) -> str | None:
    """A Koha database timestamp as Koha's Perl hands it on: local wall-clock text."""
    return None if instant is None else local(instant).strftime(KOHA_TEXT_TIME)


NOT_EMBEDDED = object()


def cashup_body(action: CashRegisterAction, *, record: CashupReconciliation | None,
                manager=NOT_EMBEDDED, summary: dict | None = None) -> dict:
    """``definitions/cashup.yaml`` (``code`` dropped, as Koha's ``to_api_mapping`` does), the
    embeds asked for, and kohapay's ``reconciliation`` (null when Koha or another tool recorded
    the cashup)."""
    body = {"cashup_id": action.pk, "cash_register_id": action.register_id,
            "manager_id": action.manager_id,
            "amount": None if action.amount is None else exact(action.amount),
            "timestamp": local(action.timestamp).isoformat()}
    if manager is not NOT_EMBEDDED:
        body["manager"] = manager_body(manager)
    if summary is not None:
        body["summary"] = summary
    body["reconciliation"] = reconciliation_body(record)
    return body


def manager_body(patron: Patron | None) -> dict | None:
    """The embedded ``manager``: the identifying part of Koha's patron object."""
    if patron is None:
        return None
    return {"patron_id": patron.pk, "firstname": patron.firstname, "surname": patron.surname,
            "cardnumber": patron.cardnumber, "library_id": patron.library_id}


def reconciliation_body(record: CashupReconciliation | None) -> dict | None:
    if record is None:
        return None
    counts = list(record.counts.all())
    return {
        "flavour": record.flavour,
        "session_start": _iso(record.session_start), "session_end": _iso(record.session_end),
        "counted": [{"payment_type": c.payment_type, "expected": exact(c.expected),
                     "counted": exact(c.counted), "difference": exact(c.difference),
                     "account_line_id": c.line_id} for c in counts],
        "total_expected": exact(sum((c.expected for c in counts), ZERO)),
        "total_counted": exact(sum((c.counted for c in counts), ZERO)),
        "total_difference": exact(sum((c.difference for c in counts), ZERO)),
        "note": record.note,
        "start_cashup_id": record.start_action_id,
    }


def _iso(instant) -> str | None:
    return None if instant is None else local(instant).isoformat()


def summary(action: CashRegisterAction) -> dict:
    """``Cashup::summary`` of a CASHUP action: five queries (the previous cashup, the lines'
    totals, income and payouts by type, the payment types)."""
    previous = (CashRegisterAction.objects.filter(
        register_id=action.register_id, code=CASHUP, timestamp__lt=action.timestamp)
        .order_by("-timestamp", "-id").values_list("timestamp", flat=True).first())
    window = (Q(date__gte=previous, date__lte=action.timestamp) if previous is not None
              else Q(date__lt=action.timestamp))
    lines = AccountLine.objects.filter(window, register_id=action.register_id).order_by()
    income, payout, by_type = _totals(lines)
    return {
        "from_date": koha_time(previous), "to_date": koha_time(action.timestamp),
        "income_grouped": _income_grouped(lines),
        "income_total": exact(abs(income)),
        "payout_grouped": _payout_grouped(lines),
        "payout_total": exact(abs(payout)),
        "total": exact(-(income + payout)),
        "total_grouped": [
            {"payment_type": value.lib, "total": exact(by_type.get(value.authorised_value, ZERO))}
            for value in AuthorisedValue.objects.filter(category="PAYMENT_TYPE").order_by("lib")
        ],
    }


def _totals(lines) -> tuple[Decimal, Decimal, dict]:
    """Income = lines without a debit type, payouts = lines without a credit type (Koha's split),
    and each payment type's income + payouts, signed."""
    income_side = Case(When(debit_type__isnull=True, then=Value(1)), default=Value(0),
                       output_field=IntegerField())
    payout_side = Case(When(credit_type__isnull=True, then=Value(1)), default=Value(0),
                       output_field=IntegerField())
    rows = (lines.annotate(income=income_side, payout=payout_side)
            .values("income", "payout", "payment_type").annotate(total=Sum("amount")))
    income = payout = ZERO
    by_type: dict[str | None, Decimal] = {}
    for row in rows:
        total = row["total"] or ZERO
        income += total * row["income"]
        payout += total * row["payout"]
        by_type[row["payment_type"]] = (by_type.get(row["payment_type"], ZERO)
                                        + total * (row["income"] + row["payout"]))
    return income, payout, by_type


def _income_grouped(lines) -> list[dict]:
    rows = (AccountOffset.objects.filter(
        credit_id__in=lines.filter(debit_type__isnull=True).values("pk"), debit__isnull=False)
        .values("debit__debit_type_id", "debit__debit_type__description")
        .annotate(total=Sum("amount")).order_by("debit__debit_type__description"))
    return [{"total": exact(-row["total"]), "debit_type_code": row["debit__debit_type_id"],
             "debit_type": {"description": row["debit__debit_type__description"]}}
            for row in rows]


def _payout_grouped(lines) -> list[dict]:
    rows = (AccountOffset.objects.filter(
        debit_id__in=lines.filter(credit_type__isnull=True).values("pk"), credit__isnull=False)
        .values("credit__credit_type_id", "credit__credit_type__description")
        .annotate(total=Sum("amount")).order_by("credit__credit_type__description"))
    return [{"total": exact(-row["total"]), "credit_type_code": row["credit__credit_type_id"],
             "credit_type": {"description": row["credit__credit_type__description"]}}
            for row in rows]
