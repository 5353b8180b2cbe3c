"""The finance office's mappings as one journal reads them (selectors; writes are in
``journal.services``): five queries — the mappings, the settings, the version, and the labels of
debit types, credit types and payment types."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max

from journal.models import (
    CREDIT_TYPE,
    DEBIT_TYPE,
    LIBRARY,
    PAYMENT_TYPE,
    JournalSettings,
    Mapping,
    MappingChange,
)
from koha.models import AuthorisedValue, CreditType, DebitType

ZERO = Decimal(0)
SETTINGS_ID = 1


@dataclass(frozen=True)
class Target:
    """Where a code's money goes: the account, the cost centre ('' = the library's or the
    default), the VAT rate and code; ``mapped`` is False for a default."""

    account: str
    cost_centre: str = ""
    vat_rate: Decimal = ZERO
    vat_code: str = ""
    mapped: bool = True


@dataclass(frozen=True)
class Mappings:
    settings: JournalSettings
    version: int
    rows: dict[tuple[str, str], Mapping]
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def target(self, kind: str, code: str) -> Target:
        row = self.rows.get((kind, code))
        if row is None or not row.account:
            default = (self.settings.default_clearing_account if kind == PAYMENT_TYPE
                       else self.settings.default_income_account)
            return Target(default, mapped=False)
        rate = row.vat_rate if kind == DEBIT_TYPE and row.vat_rate is not None else ZERO
        return Target(row.account, row.cost_centre, rate,
                      row.vat_code if kind == DEBIT_TYPE else "")

    def cost_centre(self, library: str, target: Target) -> str:
        """The library's override, else the code's own cost centre, else the default."""
        override = self.rows.get((LIBRARY, library))
        if override is not None and override.cost_centre:
            return override.cost_centre
        return target.cost_centre or self.settings.default_cost_centre

    def label(self, kind: str, code: str) -> str:
        name = self.labels.get(kind, {}).get(code)
        if kind == PAYMENT_TYPE and not code:
            return "No payment type"
        return f"{code} ({name})" if name and name != code else code


def journal_settings() -> JournalSettings:
    settings, _ = JournalSettings.objects.get_or_create(pk=SETTINGS_ID)
    return settings


def mapping_version() -> int:
    return MappingChange.objects.aggregate(v=Max("id"))["v"] or 0


def current() -> Mappings:
    rows = {(m.kind, m.code): m for m in Mapping.objects.all()}
    return Mappings(journal_settings(), mapping_version(), rows, labels())


def labels() -> dict[str, dict[str, str]]:
    return {
        DEBIT_TYPE: dict(DebitType.objects.values_list("code", "description")),
        CREDIT_TYPE: dict(CreditType.objects.values_list("code", "description")),
        PAYMENT_TYPE: dict(AuthorisedValue.objects.filter(category="PAYMENT_TYPE")
                           .values_list("authorised_value", "lib")),
    }
