"""Forms of the tracker. Amounts are whole yen (IntegerField with min 0): '1.5' and '-1' never reach a service."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation
from portal.core.fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from portal.core.forms import ModelChoiceField
from portal.geo.forms import LocalGovernmentField

from . import workflow
from .models import Transport


class YenField(forms.IntegerField):
    default_error_messages = {"invalid": _("Enter a whole number of yen (no fractions).")}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 10**12)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")
        self.error_messages["min_value"] = _("An amount in yen cannot be negative.")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class TransitionForm(forms.Form):
    transition = forms.ChoiceField(label=_("Step"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, transitions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["transition"].choices = [(t.name, t.label) for t in transitions]


class EngagementDescriptionForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200, required=False)
    title_en = forms.CharField(label=_("title (English)"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("summary"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
    )
    summary_en = forms.CharField(
        label=_("summary (English)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )


class ProgressReportForm(forms.Form):
    text = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
    residents_served = forms.IntegerField(label=_("residents served"), required=False, min_value=0)
    cost_saved_yen = YenField(label=_("cost saved (yen)"), required=False)
    contract_value_yen = YenField(label=_("contract value (yen)"), required=False)
    files = MultipleFileField(label=_("attachments"), required=False)


class TravelRequestForm(forms.Form):
    origin = LocalGovernmentField(
        allow_prefecture=True,
        label=_("Starting point"),
        help_text=_(
            "Your municipality or prefecture: type its name (e.g. 高松市 or Takamatsu) and choose from the "
            "list, or enter its 6-digit code (130001 for Tokyo)."
        ),
    )
    departure_date = forms.DateField(label=_("departure"), widget=forms.DateInput(attrs={"type": "date"}))
    return_date = forms.DateField(label=_("return"), widget=forms.DateInput(attrs={"type": "date"}))
    travellers = forms.IntegerField(label=_("travellers"), min_value=1, max_value=50, initial=1)
    traveller_names = forms.CharField(label=_("names of the travellers"), max_length=500)
    purpose = forms.CharField(label=_("purpose"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    transport = forms.ChoiceField(label=_("transport"), choices=Transport.choices)
    fares_yen = YenField(label=_("fares (yen)"), required=False)
    lodging_yen = YenField(label=_("lodging (yen)"), required=False)
    allowance_yen = YenField(label=_("daily allowance (yen)"), required=False)

    def clean(self):
        data = super().clean()
        dep, ret = data.get("departure_date"), data.get("return_date")
        if dep and ret and ret < dep:
            self.add_error("return_date", _("The return cannot be before the departure."))
        return data


class SettlementForm(forms.Form):
    fares_yen = YenField(label=_("actual fares (yen)"))
    lodging_yen = YenField(label=_("actual lodging (yen)"))
    allowance_yen = YenField(label=_("actual daily allowance (yen)"))
    receipts = MultipleFileField(label=_("receipts"), help_text=_("PDF, PNG or JPEG; at most 10 MB each."))


class ApproveForm(forms.Form):
    amount_yen = YenField(label=_("amount to approve (yen)"), min_value=1)
    note = forms.CharField(label=_("note"), required=False, max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("paid on"), widget=forms.DateInput(attrs={"type": "date"}))


class BudgetForm(forms.Form):
    fiscal_year = forms.IntegerField(
        label=_("fiscal year"), min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR
    )
    amount_yen = YenField(label=_("budget (yen)"))
    note = forms.CharField(label=_("note"), required=False, max_length=2000)


class OutsideMatchForm(forms.Form):
    municipality = ModelChoiceField(
        label=_("municipality"), queryset=Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
    )
    startup = ModelChoiceField(
        label=_("startup"), queryset=Organisation.objects.filter(kind=Organisation.Kind.STARTUP)
    )
    title = forms.CharField(label=_("title"), max_length=200, required=False)
    reason = forms.CharField(
        label=_("How the match was made"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class AdoptionRequestForm(forms.Form):
    municipality = ModelChoiceField(label=_("adopting municipality"), queryset=Organisation.objects.none())
    message = forms.CharField(
        label=_("why we want to adopt it"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = (
            municipalities
            if municipalities is not None
            else (Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY))
        )


SIDE_CHOICES = [(workflow.MUNICIPALITY, _("the municipality")), (workflow.STARTUP, _("the startup"))]
