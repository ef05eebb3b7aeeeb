"""Forms for questions, messages and the e-mail preference. Lengths are checked again by the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.applications.uploads import ALLOWED_DESCRIPTION
from portal.tracker.forms import MultipleFileField

from .models import MESSAGE_MAX_CHARS, QUESTION_MAX_CHARS, EmailFrequency, Question, QuestionState


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=QUESTION_MAX_CHARS,
        help_text=_(
            "Answered questions are published on the challenge page without your name or organisation."
        ),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=MESSAGE_MAX_CHARS
    )
    files = MultipleFileField(
        label=_("attachments"),
        required=False,
        help_text=_("Up to five files: %(allowed)s, at most 10 MB each.") % {"allowed": ALLOWED_DESCRIPTION},
    )

    def __init__(self, *args, allow_note: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if allow_note:
            self.fields["internal"] = forms.BooleanField(
                label=_("Internal note (only municipality and ministry staff see it)"), required=False
            )


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label=_("E-mail me about new messages"), choices=EmailFrequency.choices, widget=forms.RadioSelect
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=QUESTION_MAX_CHARS * 2,
        help_text=_("Published on the challenge page with the question, without the asker's name."),
    )


class QuestionEditForm(forms.Form):
    text = forms.CharField(
        label=_("Question"), widget=forms.Textarea(attrs={"rows": 4}), max_length=QUESTION_MAX_CHARS
    )


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("Merge into"), queryset=Question.objects.none())

    def __init__(self, *args, question: Question, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (
            Question.objects.filter(challenge_id=question.challenge_id)
            .exclude(pk=question.pk)
            .exclude(state__in=[QuestionState.HIDDEN, QuestionState.MERGED])
        )
