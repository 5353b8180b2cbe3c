"""Template filters of the dashboard pages."""
from django import template
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from registers.formatting import display_amount, sign_class
from registers.selectors import local_time

register = template.Library()


@register.filter
def money(value):
    return display_amount(value)


@register.filter
def sign(value):
    return sign_class(value)


@register.simple_tag
def figure_cells(row):
    """The figure cells of a table row (``tables.FigureRow``), in the order of the headers in
    ``_figure_headers.html``. Built here rather than in an included template: the overview and
    register pages have up to 40 such rows, and an include with its filters cost ~0.3 ms a row
    (docs/performance.md)."""
    totals = row.totals
    fixed = format_html(
        '<td class="num" data-col="income">{}</td><td class="num" data-col="payouts">{}</td>'
        '<td class="num {}" data-col="net">{}</td><td class="num" data-col="count">{}</td>',
        display_amount(totals.income), display_amount(totals.payouts),
        sign_class(totals.net), display_amount(totals.net), totals.count,
    )
    by_type = format_html_join(
        "", '<td class="num {}{}" data-col="type">{}</td>',
        ((sign_class(amount), " group-start" if i == 0 else "", display_amount(amount))
         for i, amount in enumerate(row.by_type)),
    )
    return fixed + by_type


@register.simple_tag(takes_context=True)
def query(context, **changes):
    """The current query string with some parameters replaced (None or "" removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        key = "from" if key == "from_" else key
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = str(value)
    return "?" + urlencode(sorted(params.items())) if params else "?"


@register.filter
def wall(value):
    """An instant as the library's wall-clock time (naive, so ``|date`` leaves it alone)."""
    if value is None:
        return None
    return local_time(value).replace(tzinfo=None)


@register.filter
def lookup(mapping, key):
    return mapping.get(key, key) if mapping else key


@register.simple_tag
def koha_zone_name():
    return settings.KOHA_TIME_ZONE


@register.simple_tag
def role_of(user):
    """The user's dashboard role for the header (one query)."""
    if user.is_superuser:
        return "Administrator"
    names = set(user.groups.values_list("name", flat=True))
    for name in ("Finance staff", "Auditors"):
        if name in names:
            return "Auditor" if name == "Auditors" else name
    return ""
