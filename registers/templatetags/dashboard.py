"""Template filters of the dashboard pages."""
from django import template
from django.conf import settings
from django.utils.http import urlencode

from core.auth_backends import group_names
from koha.models.patrons import display_name
from registers.formatting import display_amount, sign_class
from registers.row_templates import render_rows
from registers.selectors import wall_clock

register = template.Library()


@register.filter
def money(value):
    return display_amount(value)


@register.filter
def sign(value):
    return sign_class(value)


@register.simple_tag
def figure_cells(row):
    """A figure row's cells (``rows/figures.jinja``: the same macro as the rows' own)."""
    return render_rows("registers/rows/figure_cells.jinja", row=row)


@register.simple_tag
def rows(template_name, **context):
    """Table rows rendered by their Jinja2 template (``registers.row_templates``)."""
    return render_rows(template_name, **context)


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


@register.filter
def wall(value):
    """An instant as the library's wall-clock time (naive, so ``|date`` leaves it alone)."""
    return wall_clock(value)


@register.simple_tag
def koha_zone_name():
    return settings.KOHA_TIME_ZONE


@register.simple_tag
def role_of(user):
    """The user's dashboard role for the header (its groups are read with its permissions)."""
    if user.is_superuser:
        return "Administrator"
    names = group_names(user)
    for name in ("Finance staff", "Auditors"):
        if name in names:
            return "Auditor" if name == "Auditors" else name
    return ""
