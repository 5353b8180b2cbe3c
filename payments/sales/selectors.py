"""Reads of the sales routes: the client's own sales. No writes here."""
from __future__ import annotations

from payments.models import ApiClient, Intake


def client_sale(client: ApiClient, *, register_id: int, sale_id: int) -> Intake | None:
    """The client's own sale with this id at this register (its PURCHASE credit carries the
    register): a client never sees another client's."""
    return _sales(client, register_id).filter(payment_id=sale_id).first()


def client_sales(client: ApiClient, *, register_id: int, external_id: str | None = None,
                 limit: int = 100) -> list[Intake]:
    """The client's sales at this register, newest first; with ``external_id``, at most one."""
    sales = _sales(client, register_id)
    if external_id is not None:
        sales = sales.filter(external_id=external_id)
    return list(sales.order_by("-created_at", "-id")[:limit])


def _sales(client: ApiClient, register_id: int):
    return Intake.objects.filter(client=client, kind=Intake.Kind.SALE,
                                 payment__register_id=register_id)
