"""Fines the demo's patrons still owe, so that a kiosk has something to take payment of: overdue
fines as Koha's fines cron leaves them once the item is back (``status`` RETURNED, no manager,
interface ``cron``) and a manual charge from the desk, each written as ``add_debit`` writes it
(``koha.recipes.debits``), left unpaid."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Q

from koha.models import AccountOffset, Library, Patron, SystemPreference
from koha.recipes.debits import Debit, debit_line, debit_log, debit_offset

FINES = [
    ("OVERDUE", "2.50", "The Name of the Rose (returned 5 days late)", "RETURNED", "cron"),
    ("OVERDUE", "0.75", "Dune (returned 3 days late)", "RETURNED", "cron"),
    ("MANUAL", "5.00", "Damaged barcode label", None, "intranet"),
]


def leave_fines(now: datetime, *, per_library: int = 4) -> int:
    """Leave unpaid fines with the first ``per_library`` patrons of each library; return how
    many were written."""
    fines_log = SystemPreference.objects.filter(variable="FinesLog", value="1").exists()
    written = 0
    for branchcode in Library.objects.order_by("branchcode").values_list("branchcode", flat=True):
        for n, patron in enumerate(owing_patrons(branchcode, per_library)):
            for k, (code, amount, description, status, interface) in enumerate(FINES[: 1 + n % 3]):
                staff = None if interface == "cron" else _desk_staff(branchcode)
                _write(Debit(patron_id=patron, manager_id=staff, library_id=branchcode,
                             interface=interface, debit_type=code, amount=Decimal(amount),
                             description=description, status=status),
                       at=(now - timedelta(days=2 + n + k)).replace(microsecond=0),
                       fines_log=fines_log)
                written += 1
    return written


def owing_patrons(branchcode: str, count: int) -> list[int]:
    """The patrons of a library the demo leaves fines with: its first ones, staff excepted."""
    patrons = Patron.objects.filter(Q(flags__isnull=True) | Q(flags=0), library_id=branchcode)
    return list(patrons.order_by("pk").values_list("pk", flat=True)[:count])


def _desk_staff(branchcode: str) -> int | None:
    staff = Patron.objects.filter(library_id=branchcode, flags__gt=0, userid__endswith="_desk1")
    return staff.values_list("pk", flat=True).first()


def _write(debit: Debit, *, at: datetime, fines_log: bool) -> None:
    line = debit_line(debit, at=at)
    line.save()
    AccountOffset.objects.bulk_create([debit_offset(line)])
    if fines_log:
        debit_log(debit).save()
