"""Koha's pagination of list routes, for kohapay's discovery lists (docs/api.md, "Pagination").

What Koha does (``Koha/REST/Plugin/Objects.pm`` ``search_rs``, ``Koha/REST/Plugin/Pagination.pm``
``add_pagination_headers``, and Koha's own test of that plugin):

- ``_page`` (default 1) and ``_per_page`` (default the ``RESTdefaultPageSize`` preference, else
  20); ``_per_page=-1`` is everything, on one page (``_page`` is then taken as 1);
- ``X-Total-Count``: the rows matching the request; ``X-Base-Total-Count``: the rows of the
  route's base set before the request's filters (for kohapay: before ``library_id``,
  ``archived``, ``can_be_sold`` — the client's scope is the base);
- ``Link`` (RFC 5988), comma-joined in this order: ``prev`` (when there is a page before),
  ``next`` (when there is one after), ``first``, ``last`` — each the request's absolute URL with
  its other query parameters kept and ``_page``/``_per_page`` set, ``_per_page`` written even when
  the request left it to the default.

Where kohapay is stricter: ``_page`` must be 1 … 2^31−1 and ``_per_page`` 1 … 2^31−1 or −1
(Koha passes 0 or a negative page on to the database); anything else is a 400 in Koha's error
shape. With no rows, ``last`` is page 1 (Koha computes page 0, a page kohapay would refuse).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from payments import exceptions as err

INT_MAX = 2**31 - 1
DEFAULT_PAGE_SIZE = 20  # Koha's fallback when RESTdefaultPageSize is not set
ALL = -1  # _per_page=-1: every row
PAGE, PER_PAGE = "_page", "_per_page"
INTEGER = re.compile(r"-?[0-9]{1,12}")


@dataclass(frozen=True)
class PageRequest:
    page: int  # 1-based
    per_page: int  # ≥ 1, or ALL

    @property
    def offset(self) -> int:
        return 0 if self.per_page == ALL else (self.page - 1) * self.per_page

    @property
    def limit(self) -> int | None:
        return None if self.per_page == ALL else self.per_page

    def pages(self, total: int) -> int:
        """The number of the last page (at least 1)."""
        if self.per_page == ALL:
            return 1
        return max(1, -(-total // self.per_page))


def default_page_size(preference: str | None) -> int:
    """``RESTdefaultPageSize`` as Koha uses it; a value that is no page size falls back to 20."""
    value = (preference or "").strip()
    if INTEGER.fullmatch(value) and (1 <= int(value) <= INT_MAX or int(value) == ALL):
        return int(value)
    return DEFAULT_PAGE_SIZE


def page_request(params, default_per_page: int) -> PageRequest:
    """``_page`` and ``_per_page`` of the query string (absent: Koha's defaults), or a 400."""
    page = _integer(params, PAGE, 1, lambda n: 1 <= n <= INT_MAX,
                    "_page must be an integer from 1 to 2147483647.")
    per_page = _integer(params, PER_PAGE, default_per_page,
                        lambda n: 1 <= n <= INT_MAX or n == ALL,
                        "_per_page must be an integer from 1 to 2147483647, or -1 for all.")
    return PageRequest(page=1 if per_page == ALL else page, per_page=per_page)


def _integer(params, name: str, default: int, valid, message: str) -> int:
    if name not in params:
        return default
    value = params.get(name)
    if not INTEGER.fullmatch(value) or not valid(int(value)):
        raise err.InvalidField(message, code=f"invalid{name}",
                               errors=[{"message": message, "path": f"/query/{name}"}])
    return int(value)


def headers(request, page: PageRequest, *, total: int, base_total: int) -> dict[str, str]:
    """``X-Total-Count``, ``X-Base-Total-Count`` and ``Link``, as Koha adds them."""
    last = page.pages(total)
    links = []
    if page.per_page != ALL and page.page > 1 and last > 1:
        links.append(_link(request, page.page - 1, page.per_page, "prev"))
    if page.per_page != ALL and page.page < last:
        links.append(_link(request, page.page + 1, page.per_page, "next"))
    links.append(_link(request, 1, page.per_page, "first"))
    links.append(_link(request, last, page.per_page, "last"))
    return {"X-Total-Count": str(total), "X-Base-Total-Count": str(base_total),
            "Link": ",".join(links)}


def _link(request, number: int, per_page: int, rel: str) -> str:
    """The request's own URL, its other parameters kept in their order, with this page."""
    wanted = {PAGE: str(number), PER_PAGE: str(per_page)}
    pairs = []
    for name, values in request.GET.lists():
        if name in wanted:
            pairs.append((name, wanted.pop(name)))
        else:
            pairs.extend((name, value) for value in values)
    pairs.extend(wanted.items())
    url = request.build_absolute_uri(f"{request.path}?{urlencode(pairs)}")
    return f'<{url}>; rel="{rel}"'
