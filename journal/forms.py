"""The journal's forms: which journal (query string), a mapping, the settings, a posting."""
import re
from decimal import Decimal

from django import forms

from journal.formats import parse_layout
from journal.models import MAPPING_KINDS, JournalSettings
from journal.selectors import ALL, UNPOSTED
from registers.selectors import requested_days

FORMATS = {"": "page", "html": "page", "csv": "csv", "fixed": "fixed"}


class JournalForm(forms.Form):
    """``from``/``to`` (local days, default today) or ``cashup`` (one cashup's session);
    ``view``: what is not posted yet (default) or everything; ``format``: csv, fixed."""

    from_ = forms.DateField(required=False, label="From", widget=forms.DateInput({"type": "date"}))
    to = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}))
    cashup = forms.IntegerField(required=False, min_value=1, label="Cashup")
    view = forms.ChoiceField(required=False, choices=[(UNPOSTED, "Not posted yet"),
                                                       (ALL, "Everything")])
    format = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["from"] = self.fields.pop("from_")
        self.order_fields(["from", "to", *self.fields])

    def clean_format(self):
        value = self.cleaned_data.get("format") or ""
        if value not in FORMATS:
            raise forms.ValidationError("Unknown format: use csv or fixed, or leave it out.")
        return FORMATS[value]

    def clean_view(self):
        return self.cleaned_data.get("view") or UNPOSTED

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned.get("cashup") and (cleaned.get("from") or cleaned.get("to")):
            raise forms.ValidationError("Ask for days or for a cashup, not both.")
        try:
            cleaned["days"] = requested_days(cleaned.get("from"), cleaned.get("to"),
                                             default_days=1, window_from_first=True)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return cleaned


class PostForm(JournalForm):
    """What the user saw: posting refuses anything else (``services.Seen``)."""

    digest = forms.CharField(max_length=64, min_length=64)
    mapping_version = forms.IntegerField(min_value=0)


class MappingForm(forms.Form):
    kind = forms.ChoiceField(choices=MAPPING_KINDS)
    code = forms.CharField(max_length=80, required=False,
                           help_text="Koha's code; empty for lines without a payment type.")
    account = forms.CharField(max_length=40, required=False)
    cost_centre = forms.CharField(max_length=40, required=False)
    vat_rate = forms.DecimalField(required=False, min_value=Decimal(0), max_value=Decimal(100),
                                  max_digits=5, decimal_places=2, label="VAT rate (%)")
    vat_code = forms.CharField(max_length=20, required=False, label="VAT code")
    remove = forms.BooleanField(required=False, label="Remove (back to the default)")

    def clean(self):
        cleaned = super().clean()
        if self.errors or cleaned.get("remove"):
            return cleaned
        kind = cleaned.get("kind")
        if kind == "library":
            if not cleaned.get("cost_centre"):
                self.add_error("cost_centre", "A library's mapping is its cost centre.")
        elif not cleaned.get("account"):
            self.add_error("account", "Give the account code the money goes to.")
        if kind != "debit_type" and (cleaned.get("vat_rate") or cleaned.get("vat_code")):
            self.add_error("vat_rate", "Only debit types (what was sold or charged) carry VAT.")
        return cleaned


class SettingsForm(forms.ModelForm):
    class Meta:
        model = JournalSettings
        fields = ["default_income_account", "default_clearing_account", "default_cost_centre",
                  "vat_account", "reference_prefix", "layout_columns", "layout_separator",
                  "layout_header"]

    def clean_reference_prefix(self):
        value = self.cleaned_data["reference_prefix"]
        if not re.fullmatch(r"[A-Za-z0-9_.]{1,20}", value):
            raise forms.ValidationError("Letters, digits, '_' and '.' only (up to 20).")
        return value

    def clean_layout_columns(self):
        value = self.cleaned_data["layout_columns"]
        try:
            parse_layout(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return value
