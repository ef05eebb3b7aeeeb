"""Staff forms for briefing sessions: the session (announce / edit / attach materials), cancelling, attendance."""

from __future__ import annotations

import functools

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from portal.accounts import permissions as account_rules
from portal.challenges.models import ChallengePage

from . import services
from .models import BriefingSession
from .uploads import MAX_SLIDES_BYTES


class BriefingSessionForm(WagtailAdminModelForm):
    """The challenge list is the user's own (the ministry: all); the round is for ministry staff only; on an
    existing session neither can change."""

    slides_upload = forms.FileField(
        label=_("slides"),
        required=False,
        help_text=_("PDF or PowerPoint, at most %(mb)s MB. Shown to registered startups only.")
        % {"mb": MAX_SLIDES_BYTES // (1024 * 1024)},
    )

    class Meta:
        model = BriefingSession
        # what a session is created with; on an existing one, only what the service lets staff change
        fields = ["challenge", "round", *services.EDITABLE_FIELDS]
        field_classes = {  # links are https unless written otherwise (Django 6's default, asked for now)
            name: functools.partial(forms.URLField, assume_scheme="https")
            for name in ("online_url", "recording_url")
        }

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        ministry = account_rules.is_ministry(for_user) if for_user is not None else False
        if self.instance.pk:
            for name in ("challenge", "round"):
                self.fields.pop(name, None)
            return
        challenges = ChallengePage.objects.order_by("-first_published_at", "title")
        if not ministry:
            challenges = challenges.filter(municipality_id__in=account_rules.organisation_ids_of(for_user))
            self.fields.pop("round", None)
        self.fields["challenge"].queryset = challenges

    def clean_slides_upload(self):
        """The service's rule, with its messages, on this field (the service's field is "slides")."""
        slides = self.cleaned_data.get("slides_upload")
        if slides:
            try:
                services.briefing_slides_check(slides)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["slides"]) from exc
        return slides


class CancelBriefingForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for cancelling"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AttendanceForm(forms.Form):
    """One checkbox per active registration; the ticked ones attended."""

    attended = forms.TypedMultipleChoiceField(
        label=_("attended"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, registrations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(r.pk, str(r.organisation)) for r in registrations]
        self.fields["attended"].initial = [r.pk for r in registrations if r.attended]
