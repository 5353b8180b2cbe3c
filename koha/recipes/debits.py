"""A debit as ``Koha::Account->add_debit`` writes it (spec §3.2): the line, born outstanding in
full (+A, ``status`` UNRETURNED only for an OVERDUE still accruing), its CREATE offset (+A) and,
with ``FinesLog``, its FINES/CREATE log. Charge-and-pay starts with one; the demo leaves a few
unpaid, as a library's fines cron does."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from koha.dumper import SPEC_ORDER, KeyOrder, debit_log_info
from koha.models import AccountLine, AccountOffset, ActionLog
from koha.recipes.credits import fines_log


@dataclass(frozen=True)
class Debit:
    """What a caller passes to add_debit. ``amount_as_passed`` is how the caller spelled the
    amount, which Koha logs as it came (a form's "2.50"; default: ``amount``); ``manager_id``
    None is Koha's cron (its log's ``user`` is then 0)."""

    patron_id: int
    manager_id: int | None
    library_id: str | None
    interface: str
    debit_type: str
    amount: Decimal
    description: str = ""
    note: str = ""
    status: str | None = None
    amount_as_passed: Decimal | str | None = None


def debit_line(debit: Debit, *, at: datetime, stamped: datetime | None = None,
               line_id: int | None = None) -> AccountLine:
    return AccountLine(
        accountlines_id=line_id, patron_id=debit.patron_id, date=at, note=debit.note,
        manager_id=debit.manager_id, interface=debit.interface, library_id=debit.library_id,
        amount=debit.amount, amountoutstanding=debit.amount, description=debit.description,
        debit_type_id=debit.debit_type, status=debit.status,
        **({"timestamp": stamped} if stamped else {}),
    )


def debit_offset(line: AccountLine) -> AccountOffset:
    """Once the line has its id."""
    return AccountOffset(debit_id=line.pk, type=AccountOffset.Type.CREATE, amount=line.amount)


def debit_log(debit: Debit, *, order: KeyOrder = SPEC_ORDER,
              stamped: datetime | None = None) -> ActionLog:
    passed = debit.amount if debit.amount_as_passed is None else debit.amount_as_passed
    return fines_log(
        manager_id=debit.manager_id or 0, patron_id=debit.patron_id, interface=debit.interface,
        stamped=stamped,
        info=debit_log_info(debit_type=debit.debit_type, amount=passed,
                            description=debit.description, patron_id=debit.patron_id,
                            note=debit.note, manager_id=debit.manager_id, order=order),
    )
