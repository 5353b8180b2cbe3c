"""The dashboard's filters (query string): date range, library, payment type, archived.

A valid form yields a ``DayRange``; an invalid one says what is wrong and the page answers 400.
"""
from django import forms

from registers.selectors import requested_days

REGISTER_DEFAULT_DAYS = 30
FORMATS = {"", "html", "csv"}


class RangeFilterForm(forms.Form):
    """``from``/``to`` (inclusive local days) and an optional payment type."""

    default_days = 1

    # "from" is a Python keyword: the fields are renamed in __init__.
    from_ = forms.DateField(required=False, label="From", widget=forms.DateInput({"type": "date"}))
    to = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}))
    payment_type = forms.ChoiceField(required=False, label="Payment type")
    format = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data, *, payment_types: dict[str, str], **kwargs):
        super().__init__(data, **kwargs)
        self.fields["from"] = self.fields.pop("from_")
        self.order_fields(["from", "to", *self.fields])
        self.fields["payment_type"].choices = [("", "All payment types"), *payment_types.items()]

    def clean_format(self):
        value = self.cleaned_data.get("format") or ""
        if value not in FORMATS:
            raise forms.ValidationError("Unknown format: use csv, or leave it out for the page.")
        return value

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            cleaned["days"] = requested_days(cleaned.get("from"), cleaned.get("to"),
                                             default_days=self.default_days, window_from_first=True)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return cleaned


class OverviewFilterForm(RangeFilterForm):
    """Overview: one day by default (today); ``date`` picks one day, ``from``/``to`` a range."""

    date = forms.DateField(required=False, widget=forms.HiddenInput)
    library = forms.ChoiceField(required=False, label="Library")
    archived = forms.BooleanField(required=False, label="Show archived registers")

    def __init__(self, data, *, libraries: list[tuple[str, str]], **kwargs):
        super().__init__(data, **kwargs)
        self.fields["library"].choices = [("", "All libraries"), *libraries]

    def clean(self):
        day = self.cleaned_data.get("date")
        if day and not (self.cleaned_data.get("from") or self.cleaned_data.get("to")):
            self.cleaned_data["from"] = self.cleaned_data["to"] = day
        return super().clean()


class RegisterFilterForm(RangeFilterForm):
    """Register page: the last 30 days by default."""

    default_days = REGISTER_DEFAULT_DAYS


class DayFilterForm(forms.Form):
    payment_type = forms.ChoiceField(required=False, label="Payment type")
    format = forms.CharField(required=False, widget=forms.HiddenInput)
    clean_format = RangeFilterForm.clean_format

    def __init__(self, data, *, payment_types: dict[str, str], **kwargs):
        super().__init__(data, **kwargs)
        self.fields["payment_type"].choices = [("", "All payment types"), *payment_types.items()]
