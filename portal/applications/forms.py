"""Forms for the site (application, attachments) and the admin's review screen. They validate; services write."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation
from portal.challenges.models import ChallengePage
from portal.challenges.questions import LONG_TEXT_MAX_CHARS, SHORT_TEXT_MAX_CHARS, QuestionKind
from portal.core.forms import ModelChoiceField, ModelMultipleChoiceField

from .eligibility import clean_answer
from .models import (
    PREFERENCE_CHOICES,
    SUBMISSION_REQUIRED_FIELDS,
    Application,
    TeamMember,
)
from .uploads import ALLOWED_DESCRIPTION, MAX_FILE_BYTES, check_upload


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = [
            "approach",
            "expected_outcome",
            "timeline",
            "cost_estimate_yen",
            "needs_from_municipality",
            "team",
        ]
        field_classes = {"team": ModelMultipleChoiceField}
        widgets = {
            "approach": forms.Textarea(attrs={"rows": 6}),
            "expected_outcome": forms.Textarea(attrs={"rows": 4}),
            "timeline": forms.Textarea(attrs={"rows": 4}),
            "needs_from_municipality": forms.Textarea(attrs={"rows": 3}),
            "team": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, startup: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = TeamMember.objects.filter(profile__organisation=startup)
        self.fields["cost_estimate_yen"].widget.attrs.update({"min": 0, "step": 1})
        for name in SUBMISSION_REQUIRED_FIELDS:
            # Not required to save a draft, so not "required" to Django; shown as "required to submit".
            self.fields[name].required_to_submit = True

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        return {"team": data.pop("team"), **data}


def _attachment_help_text() -> str:
    # Formatted when shown, in the request's language (formatting a lazy string at import fixed it in Japanese).
    return gettext("%(types)s; at most 10 MB each, 30 MB per application.") % {"types": ALLOWED_DESCRIPTION}


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("file"),
        help_text=lazy(_attachment_help_text, str)(),
        max_length=255,
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB; each file may be at most 10 MB.")
                % {"size": f"{uploaded.size / 1048576:.1f}"}
            )
        return uploaded


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _MultipleFileField(forms.FileField):
    """Several files in one field: cleaned to a list (empty when none was chosen)."""

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(d, initial) for d in data if d]
        return [one(data, initial)] if data else []


class ApplicationFilesForm(forms.Form):
    """The files chosen in the application form itself: attached when the text is saved, so typing is never lost."""

    files = _MultipleFileField(
        label=_("files to attach"),
        help_text=lazy(_attachment_help_text, str)(),
        required=False,  # files are optional: the form says 「任意」, never 「必須」
        widget=_MultipleFileInput(),
    )

    def clean_files(self):
        chosen = self.cleaned_data["files"]
        for uploaded in chosen:
            if uploaded.size > MAX_FILE_BYTES:
                raise forms.ValidationError(
                    _("“%(name)s” is %(size)s MB; each file may be at most 10 MB.")
                    % {"name": uploaded.name, "size": f"{uploaded.size / 1048576:.1f}"}
                )
        return chosen


# --------------------------------------------------------------------------------------------- admin review


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the other reviewers; the startup does not see it."),
    )

    def __init__(self, *args, rubric, **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        choices = [("", "—")] + [(i, str(i)) for i in range(1, 6)]
        for item in rubric:
            self.fields[f"score_{item.criterion.pk}"] = forms.TypedChoiceField(
                label=f"{item.criterion} ({_('weight')} {item.weight})",
                choices=choices,
                coerce=int,
                help_text=item.criterion.localized_description,
            )
        self.order_fields([f"score_{i.criterion.pk}" for i in rubric] + ["comment"])

    def scores(self) -> dict[int, int]:
        return {item.criterion.pk: self.cleaned_data[f"score_{item.criterion.pk}"] for item in self.rubric}


class DecisionForm(forms.Form):
    ACTIONS = [
        ("shortlist", _("Shortlist")),
        ("request_info", _("Request more information")),
        ("decline", _("Decline")),
    ]
    action = forms.ChoiceField(label=_("decision"), choices=ACTIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("message to the startup"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The startup sees this. Required to decline or to request information."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") in {"decline", "request_info"} and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Please write a message to the startup."))
        return cleaned


class PreferenceForm(forms.Form):
    """My page: the application's rank among the startup's applications in the round (empty: not ranked)."""

    rank = forms.TypedChoiceField(
        label=_("your preference"),
        choices=[("", _("not ranked"))] + [(value, label) for value, label in PREFERENCE_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )


class ConflictForm(forms.Form):
    """Declare a conflict of interest with a startup, for all its applications or one challenge only."""

    startup = ModelChoiceField(
        label=_("startup"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.STARTUP, is_active=True).order_by(
            "name_kana", "name"
        ),
    )
    challenge = ModelChoiceField(
        label=_("only for the challenge"),
        queryset=ChallengePage.objects.none(),
        required=False,
        help_text=_("Leave empty when the conflict concerns every challenge."),
    )
    reason = forms.CharField(
        label=_("reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: a relative works there, you advise it, or you hold shares in it."),
    )

    def __init__(self, *args, challenges, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenge"].queryset = challenges


# --------------------------------------------------------------------------------------------- the challenge's questions


class AnswersForm(forms.Form):
    """The challenge's own questions (portal.challenges.questions), one field each, named `q_<question id>`.

    Like the proposal's fields, none is required to save a draft; the required ones are marked "required to
    submit" and checked when the application is submitted (permissions.can_submit). A file question takes one
    file, checked by size and content here, attached after the text is saved."""

    def __init__(self, *args, questions, answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        answers = answers or {}
        for question in self.questions:
            answer = answers.get(question.id)
            label = question.display_label
            help_text = escape(question.help_text)  # the form's help texts are shown unescaped
            if question.kind == QuestionKind.SHORT_TEXT:
                field = forms.CharField(max_length=SHORT_TEXT_MAX_CHARS)
            elif question.kind == QuestionKind.LONG_TEXT:
                field = forms.CharField(
                    max_length=LONG_TEXT_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 4})
                )
            elif question.kind == QuestionKind.CHOICE:
                field = forms.ChoiceField(choices=[("", "—")] + [(c, c) for c in question.choices])
            elif question.kind == QuestionKind.NUMBER:
                field = forms.CharField(max_length=30, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
                if question.unit:
                    label = f"{label} ({question.unit})"
            else:
                field = forms.FileField(max_length=255)
                existing = getattr(answer, "attachment", None)
                if existing is not None:
                    help_text = " ".join(
                        filter(
                            None,
                            [
                                help_text,
                                gettext("Sent: “%(name)s”.") % {"name": escape(existing.original_name)},
                            ],
                        )
                    )
                help_text = " ".join(filter(None, [help_text, _attachment_help_text()]))
            field.required = False
            field.label = label
            field.help_text = help_text
            field.required_to_submit = question.required
            field.question = question
            if answer is not None and question.kind != QuestionKind.FILE:
                field.initial = answer.value
            self.fields[f"q_{question.id}"] = field

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            name = f"q_{question.id}"
            if name not in cleaned:
                continue
            value = cleaned[name]
            try:
                if question.kind == QuestionKind.FILE:
                    if value:
                        check_upload(value)
                else:
                    cleaned[name] = clean_answer(question, value)
            except forms.ValidationError as error:
                self.add_error(name, error)
        return cleaned

    def text_answers(self) -> dict:
        return {q.id: self.cleaned_data[f"q_{q.id}"] for q in self.questions if q.kind != QuestionKind.FILE}

    def file_answers(self) -> dict:
        return {
            q.id: self.cleaned_data[f"q_{q.id}"]
            for q in self.questions
            if q.kind == QuestionKind.FILE and self.cleaned_data.get(f"q_{q.id}")
        }
