"""The table rows of the dashboard pages: Jinja2 templates (``templates/registers/rows/``) under
Django's Jinja2 backend, rendered into the pages' Django templates by ``{% rows %}`` and
``{% figure_cells %}`` (``templatetags/dashboard.py``).

A busy day page has hundreds of lines of some twenty values each; through Django's engine its
rows cost more than all of the page's queries, through Jinja2 (compiled to Python once) a few
milliseconds (docs/performance.md, "Issue 13"). Autoescaping is on, as for every template: a
value is escaped unless it is Markup (``|safe`` in a template, or a macro's output).
"""
from django.template import engines
from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString
from jinja2 import Environment

from registers.formatting import display_amount, sign_class
from registers.selectors import wall_clock

ENGINE = "rows"  # the alias of the Jinja2 backend in settings.TEMPLATES


def environment(**options) -> Environment:
    """The backend's environment with the dashboard's filters (as ``{% load dashboard %}``
    gives the Django templates)."""
    env = Environment(**options)
    env.filters.update(money=display_amount, sign=sign_class, wall=wall_clock, date=format_date)
    return env


def render_rows(template_name: str, **context) -> SafeString:
    """The rows as HTML for a Django template: the Jinja2 template escaped every value."""
    return SafeString(engines[ENGINE].get_template(template_name).render(context))
