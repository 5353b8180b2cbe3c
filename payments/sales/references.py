"""What the rules of a sale or of a refund read of Koha's configuration and of the client's scope,
in one query (``payments.sql.TILL_REFERENCES``: a ``UNION ALL`` of small indexed reads, one
fixed statement as the intake's ``REFERENCES`` — an ORM union of ten querysets compiled on every
request was a sale's largest cost; docs/performance.md, "Issue 18: the sale and the payment of
existing debits"):
the client's libraries, registers and debit types; the preferences; the register; the debit
types named (and their library limits); the payment type (and its limits); whether the credit
type the write creates (PURCHASE, REFUND) numbers its credits. No writes here.

Codes come back as Koha spells them (its columns compare case-insensitively: 'print' finds
'PRINT'), so the rules compare them with the request byte for byte. Every text comes from
Koha's own columns — the client's scope is read from Koha's side (a deleted library, register or
type is out of scope, as in the intake's read) — so the union never mixes collations.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from payments import sql
from payments.models import ApiClient
from payments.selectors import PREFERENCE_DEFAULTS, ClientScope, RegisterFacts


@dataclass(frozen=True)
class TillPreferences:
    """The preferences a sale or a refund reads (spec §2.7; ``IndependentBranches`` for where a
    Koha API key's owner may act)."""

    use_cash_registers: bool
    auto_credit_number: str
    independent_branches: bool


@dataclass(frozen=True)
class SoldType:
    code: str  # as Koha spells it
    archived: bool
    can_be_sold: bool


@dataclass(frozen=True)
class TillReferences:
    """Everything the rules of a sale or a refund read. ``None``: no such row. Library limits
    are empty when the type is available everywhere."""

    scope: ClientScope
    preferences: TillPreferences
    register: RegisterFacts | None
    debit_types: dict[str, SoldType]  # by Koha's spelling of the code
    debit_type_libraries: dict[str, frozenset[str]]
    payment_type: str | None
    payment_type_libraries: frozenset[str]
    credit_numbers_enabled: bool  # account_credit_types.credit_number_enabled of the new credit


def till_references(*, client: ApiClient, register_id: int | None, payment_type: str,
                    credit_type: str, debit_types: tuple[str, ...] = ()) -> TillReferences:
    rows = defaultdict(list)
    for kind, code, value, first, second in sql.till_reference_rows(
            client_id=client.pk, register_id=register_id, payment_type=payment_type,
            credit_type=credit_type, debit_types=debit_types):
        rows[kind].append((code, value, first, second))
    return _references(rows)


def _references(rows: dict[str, list]) -> TillReferences:
    prefs = {**PREFERENCE_DEFAULTS, **{code: value for code, value, _, _ in rows["pref"]}}
    register = next(iter(rows["register"]), None)
    limits = defaultdict(set)
    for code, library, _, _ in rows["debit_type_library"]:
        limits[code].add(library)
    return TillReferences(
        scope=ClientScope(
            libraries=frozenset(code for code, _, _, _ in rows["client_library"]),
            registers=frozenset(int(number) for _, _, number, _ in rows["client_register"]),
            debit_types=frozenset(code for code, _, _, _ in rows["client_debit_type"]),
        ),
        preferences=TillPreferences(
            use_cash_registers=(prefs["UseCashRegisters"] or "0").strip() == "1",
            auto_credit_number=(prefs["AutoCreditNumber"] or "").strip(),
            # Perl's truth, as everywhere: only "" and "0" are off.
            independent_branches=(prefs["IndependentBranches"] or "").strip() not in {"", "0"},
        ),
        register=register and RegisterFacts(library_id=register[0],
                                            archived=bool(int(register[2]))),
        debit_types={code: SoldType(code, bool(int(archived)), bool(int(sold)))
                     for code, _, archived, sold in rows["debit_type"]},
        debit_type_libraries={code: frozenset(found) for code, found in limits.items()},
        payment_type=next((code for code, _, _, _ in rows["payment_type"]), None),
        payment_type_libraries=frozenset(code for code, _, _, _ in rows["payment_type_library"]),
        credit_numbers_enabled=any(int(n) for _, _, n, _ in rows["credit_numbers"]),
    )
