"""Koha's ``haspermission``, mirrored (``C4::Auth``: ``getuserflags``, ``get_user_subpermissions``,
``_dispatch``).

A patron's permissions are one value per module of ``userflags``: the whole module (its bit is set
in ``borrowers.flags``, or the module is ``defaulton``), some of its sub-permissions (rows of
``user_permissions`` that name a code of ``permissions``), or nothing. Koha finds them by
**userid**: a patron without one has none. A requirement is written as Koha's routes write
``x-koha-authorization``:

- a dict is AND over its modules: ``{"catalogue": 1, "cash_management": "cashup"}``;
- a list is OR: ``{"cash_management": ["cashup", "anonymous_refund"]}``;
- ``1`` asks for the whole module (sub-permissions never satisfy it), ``"*"`` for any part of it,
  a code for that sub-permission or the whole module; a nested dict is AND over codes.

``_dispatch`` follows Koha's own line by line (quirks included: see its docstring), checked
against the cases of ``t/db_dependent/Auth/haspermission.t``.

A superlibrarian (bit 0) has every permission.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, Exists, IntegerField, OuterRef, Value

from koha.models import PermissionCode, UserFlag, UserPermission

# What kohapay asks of Koha, operation by operation (koha-identity.md §3.3): Koha's own rule for
# the route or page that does the same thing.
RECORD_PAYMENT = {"updatecharges": "remaining_permissions"}  # REST POST …/account/credits, …/debits
SELL = {"cash_management": "takepayment"}  # pos/pay.pl
REFUND = {"updatecharges": "refund"}  # members/boraccount.pl: refund a patron's paid charge
ANONYMOUS_REFUND = {"cash_management": "anonymous_refund"}  # pos/register.pl: refund a sale
CASHUP = {"cash_management": "cashup"}  # pos/register.pl's cashup, REST cashups
MANAGE_ACCOUNTS = {"parameters": "manage_accounts"}  # admin/debit_types.pl, credit_types.pl
VIEW_REGISTERS = {"catalogue": 1, "cash_management": ["cashup", "anonymous_refund"]}
SEE_PATRONS = {"borrowers": "edit_borrowers"}

WHOLE = 1
NOTHING = 0


@dataclass(frozen=True)
class KohaPermissions:
    """module name → WHOLE, NOTHING or {code: 1} of its granted sub-permissions: the shape of
    Koha's ``getuserflags`` hash, so that ``allows`` can follow ``_dispatch`` step by step."""

    modules: Mapping[str, Any] = field(default_factory=dict)

    @property
    def superlibrarian(self) -> bool:
        return self.modules.get("superlibrarian") == WHOLE

    def allows(self, required: Any) -> bool:
        return self.superlibrarian or _dispatch(required, self.modules)


NONE = KohaPermissions()


def _is_hash(value) -> bool:
    return isinstance(value, Mapping)


def _get(flags, key):
    """``$flags->{$key}``; on a module that is not a hash (Perl would die) nothing is granted."""
    return flags.get(key) if _is_hash(flags) else None


def _true(value) -> bool:
    """Perl truth: a hash reference is true even when empty."""
    return _is_hash(value) or bool(value)


def _dispatch(required, flags) -> bool:
    """``C4::Auth::_dispatch``, including its quirk: inside a list, a plain name is looked up one
    level down before it is checked, so ``["tools"]`` needs the whole ``tools`` module while a
    bare ``"tools"`` is satisfied by any part of it."""
    if _is_hash(required):
        if not _is_hash(flags) and flags == WHOLE:  # the whole module grants all of its parts
            return True
        return all(_dispatch(req, _get(flags, key)) for key, req in required.items())
    if isinstance(required, (list, tuple)):
        return any(
            _dispatch(req, _get(flags, req) if _is_hash(flags) and _is_name(req) else flags)
            for req in required
        )
    if required == "*":
        return _true(flags)
    return _true(flags) and (not _is_hash(flags) or _true(_get(flags, required)))


def _is_name(required) -> bool:
    return not _is_hash(required) and not isinstance(required, (list, tuple)) and required != "*"


def for_patron(userid: str | None, flags: int | None, borrowernumber: int) -> KohaPermissions:
    """``getuserflags`` for this patron: the modules of ``userflags`` by bit and ``defaulton``,
    then the sub-permission rows of every module not already whole. One query (both reads as one
    ``UNION ALL``): an API key's owner is read on every request."""
    if not userid:
        return NONE
    bits = int(flags or 0)
    names, modules, granted = {}, {}, {}
    for kind, bit, name, defaulton, code in _userflags_and_codes(borrowernumber):
        if kind == _MODULE:
            names[bit] = name
            modules[name] = WHOLE if (bits >> bit) & 1 or defaulton else NOTHING
        else:
            granted.setdefault(bit, {})[code] = WHOLE
    for bit, codes in granted.items():
        name = names.get(bit)
        if name is not None and modules[name] != WHOLE:
            modules[name] = codes
    return KohaPermissions(modules)


_MODULE, _CODE = "module", "code"


def _userflags_and_codes(borrowernumber: int):
    """Rows (kind, bit, flag, defaulton, code): every ``userflags`` module, then the patron's
    ``user_permissions`` rows that name a code Koha defines (``permissions``)."""
    modules = UserFlag.objects.annotate(
        kind=Value(_MODULE), code=Value(None, output_field=CharField()),
    ).values_list("kind", "bit", "flag", "defaulton", "code")
    codes = UserPermission.objects.filter(borrowernumber=borrowernumber).filter(
        Exists(PermissionCode.objects.filter(module_bit=OuterRef("module_bit"), code=OuterRef("code")))
    ).annotate(
        kind=Value(_CODE), flag=Value(None, output_field=CharField()),
        defaulton=Value(None, output_field=IntegerField()),
    ).values_list("kind", "module_bit", "flag", "defaulton", "code")
    return modules.union(codes, all=True)


def describe(required) -> Any:
    """The requirement as Koha puts it in ``required_permissions`` (JSON-ready)."""
    if isinstance(required, Mapping):
        return {key: describe(value) for key, value in required.items()}
    if isinstance(required, (list, tuple)):
        return [describe(value) for value in required]
    return required
