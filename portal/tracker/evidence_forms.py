"""Forms for data-use consent, the evidence pack and joining a solved challenge."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.accounts.models import Organisation
from portal.core.fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from portal.core.forms import ModelChoiceField

from .evidence import CLAUSE_BY_NUMBER, CLAUSES
from .forms import YenField
from .models import ConsentPurpose


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(
        label=pgettext_lazy("data-use consent", "purpose"), choices=ConsentPurpose.choices
    )
    granted = forms.TypedChoiceField(
        label=_("answer"),
        choices=[("1", _("consent")), ("0", _("withdraw consent"))],
        coerce=lambda v: v == "1",
    )


class EvidencePackForm(forms.Form):
    clause = forms.TypedChoiceField(
        label=_("The item of 地方自治法施行令第167条の2第1項 relied on"),
        choices=[(c.number, c.label) for c in CLAUSES],
        coerce=int,
        widget=forms.RadioSelect,
    )
    conditions_met = forms.MultipleChoiceField(
        label=_("Conditions confirmed"),
        choices=[(f"{c.number}:{key}", label) for c in CLAUSES for key, label in c.conditions],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every condition of the chosen item: all of them must be met."),
    )
    price_note = forms.CharField(
        label=_("why the price is reasonable"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_(
            "E.g. quotes from other suppliers, the PoC's actual costs, the market price of similar services."
        ),
    )
    alternatives_note = forms.CharField(
        label=_("other options considered"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
        help_text=_("Besides the candidates the matching weighed (printed from its proposal)."),
    )
    next_fiscal_year = forms.IntegerField(
        label=_("fiscal year of the contract"), min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR
    )
    budget_request_deadline = forms.DateField(
        label=_("budget request due"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When your finance department needs the budget request (予算要求) for that fiscal year."),
    )

    def clean(self):
        data = super().clean()
        clause = data.get("clause")
        ticked = data.get("conditions_met") or []
        if clause is not None:
            prefix = f"{clause}:"
            if any(not t.startswith(prefix) for t in ticked):
                self.add_error("conditions_met", _("Confirm only the conditions of the chosen item."))
            data["conditions_met"] = [t.split(":", 1)[1] for t in ticked if t.startswith(prefix)]
        return data

    def clause_groups(self):
        """The checklist grouped by item, for the template (each item's conditions under its label)."""
        field = self["conditions_met"]
        by_value = {w.data["value"]: w for w in field}
        return [
            (c, [by_value[f"{c.number}:{key}"] for key, _label in CLAUSE_BY_NUMBER[c.number].conditions])
            for c in CLAUSES
        ]


class JoinForm(forms.Form):
    municipality = ModelChoiceField(label=_("joining municipality"), queryset=Organisation.objects.none())
    population = forms.IntegerField(
        label=_("population served"),
        min_value=1,
        max_value=50_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    budget_min_yen = YenField(label=_("budget from (yen)"))
    budget_max_yen = YenField(label=_("budget up to (yen)"))
    message = forms.CharField(
        label=_("why we want to join"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = (
            municipalities if municipalities is not None else Organisation.objects.none()
        )

    def clean(self):
        data = super().clean()
        low, high = data.get("budget_min_yen"), data.get("budget_max_yen")
        if low is not None and high is not None and low > high:
            self.add_error("budget_max_yen", _("The upper end cannot be below the lower end."))
        return data


class ReviewerInviteForm(forms.Form):
    name = forms.CharField(label=_("reviewer's name"), max_length=120)
    email = forms.EmailField(label=_("reviewer's e-mail"), max_length=254)


class ReviewerStatementForm(forms.Form):
    opinion = forms.CharField(
        label=_("opinion in brief"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )
    statement = forms.FileField(
        label=_("signed statement"), help_text=_("A PDF with your signature; at most 10 MB.")
    )
