"""Field types of Koha's columns: money (``decimal(28,6)``) and the two columns whose storage
needs converting (a ``double`` read as Decimal, a local ``datetime``). The one home of the money
field: kohapay's own models and serializers use these too."""
import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone

# accountlines.amount / amountoutstanding, cash_registers.starting_float, …: decimal(28,6).
MONEY = {"max_digits": 28, "decimal_places": 6}


class MoneyField(models.DecimalField):
    """A Koha money column, ``decimal(28,6)``. Deconstructs as a plain DecimalField, so moving a
    model to this field changes no migration."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", MONEY["max_digits"])
        kwargs.setdefault("decimal_places", MONEY["decimal_places"])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


class DoubleAsDecimalField(models.DecimalField):
    """A Koha ``double`` column read and written as a ``Decimal`` (``statistics.value``).

    MariaDB hands back a Python float for a double; this turns it into the Decimal of its shortest
    representation at the field's scale, so kohapay never computes with floats. It deconstructs as
    a plain DecimalField: the column is unmanaged, and migrations need not know the difference.
    """

    def from_db_value(self, value, expression, connection):
        if isinstance(value, float):
            return Decimal(repr(value)).quantize(Decimal(1).scaleb(-self.decimal_places))
        return value

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


class KohaLocalDateTimeField(models.DateTimeField):
    """A Koha ``datetime`` column (not a ``timestamp``) that Koha fills with its local wall-clock
    time (``statistics.datetime``). MariaDB converts nothing for ``datetime``, so the value is
    written and read in ``KOHA_TIME_ZONE`` rather than in kohapay's UTC session. It deconstructs as
    a plain DateTimeField: the column is unmanaged, and migrations need not know the difference.
    """

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.make_naive(value, ZoneInfo(settings.KOHA_TIME_ZONE))
        return connection.ops.adapt_datetimefield_value(value)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        # The backend labelled the naive wall-clock value with its own (UTC) zone: relabel it.
        return timezone.make_aware(value.replace(tzinfo=None), ZoneInfo(settings.KOHA_TIME_ZONE))

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateTimeField", args, kwargs
