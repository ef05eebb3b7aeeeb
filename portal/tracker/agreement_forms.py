"""Forms for agreements (実証協定書 / 契約) and their amendments, and the pulse survey of the scorecards."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation
from portal.core.forms import ModelChoiceField

from .forms import MultipleFileField, YenField
from .models import Agreement, Blocker


def _date(label, *, required=True, help_text=""):
    return forms.DateField(
        label=label, required=required, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"})
    )


class AgreementForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind of agreement"), choices=Agreement.Kind.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    parties = forms.CharField(
        label=_("parties"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("One party per line, as written in the agreement."),
    )
    signed_on = _date(_("signed on"))
    starts_on = _date(_("starts on"))
    ends_on = _date(_("ends on"))
    renewal_notice_on = _date(
        _("renewal decision by"),
        required=False,
        help_text=_("The last day to decide on renewal or give notice; both sides are reminded before it."),
    )
    amount_yen = YenField(label=_("amount (yen)"), required=False)
    files = MultipleFileField(label=_("signed copies"), required=False)


class AmendmentForm(forms.Form):
    signed_on = _date(_("signed on"))
    summary = forms.CharField(
        label=_("what changes"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    ends_on = _date(_("new end date"), required=False)
    amount_yen = YenField(label=_("new amount (yen)"), required=False)
    files = MultipleFileField(label=_("signed copies"), required=False)


SATISFACTION_CHOICES = [
    (1, _("1 — very dissatisfied")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5 — very satisfied")),
]


class PulseForm(forms.Form):
    """The pulse survey: three questions about the stage the engagement is in."""

    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with this stage?"),
        choices=SATISFACTION_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    would_work_again = forms.TypedChoiceField(
        label=_("Would you work with the other side again?"),
        choices=[("yes", _("yes")), ("no", _("no"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    blocker = forms.ChoiceField(label=_("What blocked you most?"), choices=Blocker.choices)


class BudgetRequestDeadlineForm(forms.Form):
    """A municipality's budget-request (予算要求) deadline: the same month and day every year."""

    municipality = ModelChoiceField(label=_("municipality"), queryset=Organisation.objects.none())
    month = forms.TypedChoiceField(label=_("month"), choices=[(m, m) for m in range(1, 13)], coerce=int)
    day = forms.TypedChoiceField(label=_("day"), choices=[(d, d) for d in range(1, 32)], coerce=int)
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
