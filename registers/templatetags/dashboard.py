"""The dashboard's template filters and tags (``{% load dashboard %}``), and the Jinja2
environment of its table rows with the same filters.

The rows (``templates/registers/rows/*.jinja``) are Jinja2 templates under Django's Jinja2
backend: a busy day page has hundreds of lines of some twenty values each, and through Django's
engine its rows cost more than all of the page's queries; through Jinja2 (compiled to Python
once) a few milliseconds (docs/performance.md, "Issue 13"). Autoescaping is on, as for every
template: a value is escaped unless it is Markup (``|safe`` in a template, a macro's output).
The Django pages embed them with ``{% rows %}`` and ``{% figure_cells %}``.
"""
from django import template
from django.conf import settings
from django.template import engines
from django.utils.dateformat import format as format_date
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from jinja2 import Environment

from koha.models.patrons import display_name
from registers.access import role_label
from registers.formatting import display_amount, sign_class
from registers.selectors import wall_clock

ROWS_ENGINE = "rows"  # the alias of the Jinja2 backend in settings.TEMPLATES

register = template.Library()
register.filter("money", display_amount)
register.filter("sign", sign_class)
# An instant as the library's wall-clock time (naive, so ``|date`` leaves it alone).
register.filter("wall", wall_clock)


def jinja_environment(**options) -> Environment:
    """The rows' environment (settings.TEMPLATES), with the filters the Django templates have."""
    env = Environment(**options)
    env.filters.update(money=display_amount, sign=sign_class, wall=wall_clock, date=format_date)
    return env


def render_rows(template_name: str, **context) -> SafeString:
    """Rows rendered by their Jinja2 template: HTML whose every value it escaped."""
    return SafeString(engines[ROWS_ENGINE].get_template(template_name).render(context))


@register.simple_tag
def rows(template_name, **context):
    return render_rows(template_name, **context)


@register.simple_tag
def figure_cells(row):
    """A figure row's cells (``rows/figures.jinja``: the macro the rows use too)."""
    return render_rows("registers/rows/figure_cells.jinja", row=row)


@register.filter
def get_item(mapping, key):
    """``mapping[key]``, or None (a dict of a page keyed by id)."""
    return (mapping or {}).get(key)


@register.filter
def person_name(person):
    return display_name(person.firstname, person.surname) if person else ""


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


@register.simple_tag
def koha_zone_name():
    return settings.KOHA_TIME_ZONE


@register.simple_tag
def role_of(user):
    """The user's dashboard role for the header."""
    return role_label(user)
