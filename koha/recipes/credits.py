"""The PAYMENT credit as ``Koha::Account->add_credit`` writes it (spec §3.3), shared by every
recipe that takes money from a patron: the line (born outstanding: −A), the ``statistics`` row of
type ``payment`` and, with ``FinesLog``, the FINES/CREATE log."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from koha.dumper import SPEC_ORDER, KeyOrder, credit_log_info
from koha.models import AccountLine, ActionLog, Statistic


@dataclass(frozen=True)
class Credit:
    """What a caller passes to add_credit for a PAYMENT."""

    patron_id: int
    manager_id: int
    library_id: str | None
    interface: str
    amount: Decimal  # positive: the money taken
    payment_type: str
    register_id: int | None
    note: str = ""
    credit_number: str | None = None
    description: str = ""  # pay's own description (the charge-and-pay passes none)


def payment_line(credit: Credit, *, at: datetime, stamped: datetime | None = None,
                 line_id: int | None = None) -> AccountLine:
    return AccountLine(
        accountlines_id=line_id, patron_id=credit.patron_id, date=at, note=credit.note,
        manager_id=credit.manager_id, interface=credit.interface, library_id=credit.library_id,
        amount=-credit.amount, amountoutstanding=-credit.amount, description=credit.description,
        credit_type_id="PAYMENT", payment_type=credit.payment_type,
        register_id=credit.register_id, credit_number=credit.credit_number,
        **({"timestamp": stamped} if stamped else {}),
    )


def payment_statistic(credit: Credit, *, at: datetime) -> Statistic:
    """``statistics.datetime`` is a DATETIME (no zone) that Koha fills with its local wall-clock
    time: its field (``KohaLocalDateTimeField``) writes the instant in ``KOHA_TIME_ZONE``."""
    return Statistic(
        datetime=at, branch=credit.library_id, type="payment", value=-credit.amount,
        other="", itemtype="", ccode="", borrowernumber=credit.patron_id,
    )


def fines_log(*, manager_id: int, patron_id: int, interface: str, info: str,
              stamped: datetime | None = None) -> ActionLog:
    """A FINES/CREATE ``action_logs`` row (spec §4.4)."""
    return ActionLog(user=manager_id, module="FINES", action="CREATE", object=patron_id,
                     interface=interface, info=info, **({"timestamp": stamped} if stamped else {}))


def payment_log(credit: Credit, *, order: KeyOrder = SPEC_ORDER,
                stamped: datetime | None = None) -> ActionLog:
    return fines_log(
        manager_id=credit.manager_id, patron_id=credit.patron_id, interface=credit.interface,
        stamped=stamped,
        info=credit_log_info(credit_type="PAYMENT", amount=credit.amount,
                             description=credit.description,
                             library_id=credit.library_id, patron_id=credit.patron_id,
                             note=credit.note, manager_id=credit.manager_id, order=order),
    )
