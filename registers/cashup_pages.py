"""The dashboard's cash-up page (``/registers/{id}/cashup/``): what the register's open session
expects in the till per counted payment type, and the form to record what was counted. The
figures and the rules are the cashup service's (``payments.cashups.selectors``,
``payments.services.cashups``): the page shows exactly what the service will compare.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone

from koha.models import CashRegister
from payments.cashups.selectors import CashupSettings, Session, cashup_settings, open_session
from payments.cashups.serializers import NOTE_MAX, parse_count
from payments.services.cashups import UNSEEN
from registers.lookups import payment_type_label, payment_type_labels, visible_register

FLAVOUR_TEXT = {
    "classic": "Classic Koha: Koha records the cashup; kohapay keeps what was counted and the "
               "differences.",
    "reconciling": "Koha with reconciliation: each difference is also written to Koha as a "
                   "cashup surplus or deficit line.",
}


class CountField(forms.CharField):
    """A counted amount as a person types it ("412.50"); blank is 0."""

    def clean(self, value):
        value = (value or "").strip()
        if not value:
            return Decimal(0)
        try:
            return parse_count(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc).replace("amount", "The amount", 1)) from None


class CashupForm(forms.Form):
    """One counted field per counted payment type (``count_<code>``), the note, and the session
    the person counted against (so a cashup made meanwhile is noticed)."""

    note = forms.CharField(required=False, max_length=NOTE_MAX, widget=forms.Textarea(
        {"rows": 3}))
    session_start = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, payment_types: tuple[str, ...], labels: dict[str, str],
                 **kwargs):
        super().__init__(data, **kwargs)
        for code in payment_types:
            self.fields[f"count_{code}"] = CountField(
                required=False, label=payment_type_label(labels, code))
        self.payment_types = payment_types

    def counted(self) -> dict[str, Decimal]:
        return {code: self.cleaned_data[f"count_{code}"] for code in self.payment_types}

    def seen_start(self):
        """The session start the page showed (None: never cashed up); ``UNSEEN`` when the form
        did not say (the service then compares with what it read before its lock)."""
        if "session_start" not in self.data:
            return UNSEEN
        text = self.cleaned_data.get("session_start") or ""
        return datetime.fromisoformat(text) if text else None

    def clean_session_start(self):
        text = self.cleaned_data.get("session_start") or ""
        try:
            return datetime.fromisoformat(text).isoformat() if text else ""
        except ValueError:
            raise forms.ValidationError("The form is damaged: reload the page.") from None


@dataclass(frozen=True)
class ExpectedRow:
    code: str
    label: str
    expected: Decimal
    field: forms.BoundField


@dataclass(frozen=True)
class CashupPage:
    register: CashRegister
    settings: CashupSettings
    session: Session
    form: CashupForm
    rows: list[ExpectedRow]
    error: str | None = None

    @property
    def flavour_text(self) -> str:
        return FLAVOUR_TEXT[self.settings.flavour]

    def context(self) -> dict:
        return {"register": self.register, "settings": self.settings, "session": self.session,
                "form": self.form, "rows": self.rows, "error": self.error,
                "flavour_text": self.flavour_text,
                "expected_total": sum((r.expected for r in self.rows), Decimal(0))}


def cashup_page(user, register_id: int, data=None, *, error: str | None = None) -> CashupPage:
    """The page for a register the user may see (else 404); ``data``: a posted form."""
    register = visible_register(user, register_id)
    settings = cashup_settings()
    session = open_session(register, now=timezone.now())
    labels = payment_type_labels()
    initial = {"session_start": session.start.isoformat() if session.start else ""}
    form = CashupForm(data, payment_types=settings.payment_types, labels=labels,
                      initial=initial)
    rows = [ExpectedRow(code, payment_type_label(labels, code), session.expected(code),
                        form[f"count_{code}"]) for code in settings.payment_types]
    return CashupPage(register, settings, session, form, rows, error)
