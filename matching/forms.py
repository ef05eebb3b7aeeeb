"""Forms of the matching screens: start a run (weights and parameters), accept or reject a proposal."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from .engine import DEFAULT_WEIGHTS, FACTORS
from .models import DEFAULT_CAPACITY, DEFAULT_TOP_K, FACTOR_LABELS


class RunStartForm(forms.Form):
    """Weights per factor (defaults prefilled) and the run's parameters."""

    top_k = forms.IntegerField(
        label=_("proposals per challenge"),
        initial=DEFAULT_TOP_K,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    travel_budget_yen = forms.IntegerField(
        label=_("travel budget (yen)"),
        required=False,
        validators=[MinValueValidator(0)],
        help_text=_("Leave empty for no budget limit."),
    )
    default_capacity = forms.IntegerField(
        label=_("matches per startup"),
        initial=DEFAULT_CAPACITY,
        validators=[MinValueValidator(0), MaxValueValidator(20)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in FACTORS:
            self.fields[f"weight_{name}"] = forms.FloatField(
                label=_("weight: %(factor)s") % {"factor": FACTOR_LABELS[name]},
                initial=DEFAULT_WEIGHTS[name],
                min_value=0,
                max_value=100,
            )

    def clean(self):
        data = super().clean()
        weights = [data.get(f"weight_{name}") for name in FACTORS]
        if all(w is not None for w in weights) and not any(w > 0 for w in weights):
            raise forms.ValidationError(_("At least one weight must be positive."))
        return data

    @property
    def parameters(self) -> dict:
        data = self.cleaned_data
        return {
            "weights": {name: data[f"weight_{name}"] for name in FACTORS},
            "top_k": data["top_k"],
            "travel_budget_yen": data["travel_budget_yen"],
            "default_capacity": data["default_capacity"],
        }


class AcceptForm(forms.Form):
    reason = forms.CharField(
        label=_("note (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for rejecting"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
