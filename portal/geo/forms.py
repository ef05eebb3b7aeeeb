"""Form fields for Japanese codes: people type full-width digits, spaces and hyphens; we store the digits."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import selectors
from .codes import normalise_digits
from .models import LocalGovernment
from .validators import validate_corporate_number, validate_lg_code


class LocalGovernmentCodeField(forms.CharField):
    """A 6-digit local-government code typed as people type it; cleans to the LocalGovernment.

    Errors say what is wrong (length, check digit, unknown code) in the user's language. On error the form
    re-displays what the user typed, as Django does for any field.
    """

    default_error_messages = {
        "unknown": _("No local government has the code %(code)s."),
        "prefecture": _("%(code)s is a prefecture; enter the code of a city, ward, town or village."),
    }

    def __init__(self, *, allow_prefecture: bool = False, **kwargs):
        self.allow_prefecture = allow_prefecture
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("label", _("local-government code"))
        kwargs.setdefault("help_text", _("6 digits, e.g. 372013 for Takamatsu."))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        return normalise_digits(text) if text else text

    def clean(self, value) -> LocalGovernment | None:
        code = super().clean(value)
        if not code:
            return None
        validate_lg_code(code)
        lg = selectors.local_government_by_code(code)
        if lg is None:
            raise ValidationError(self.error_messages["unknown"], code="unknown", params={"code": code})
        if lg.kind == LocalGovernment.Kind.PREFECTURE and not self.allow_prefecture:
            raise ValidationError(self.error_messages["prefecture"], code="prefecture", params={"code": code})
        return lg


class LocalGovernmentInput(forms.TextInput):
    """A text box the autocomplete fills (static/js/lg-autocomplete.js, over /geo/local-governments/): the person
    types a name or a code and picks 「香川県 高松市 372013」 from the list; without JavaScript typing works as well."""

    class Media:
        js = ["js/lg-autocomplete.js"]

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        list_id = f"{widget_attrs.get('id') or name}-choices"
        widget_attrs["list"] = list_id
        widget_attrs["data-lg-autocomplete"] = reverse("geo:local_government_autocomplete")
        context["widget"]["list_id"] = list_id
        return context

    def format_value(self, value):
        if isinstance(value, LocalGovernment):
            return selectors.local_government_label(value)
        text = super().format_value(value)
        if text and normalise_digits(text).isdigit() and len(normalise_digits(text)) == 6:
            lg = selectors.local_government_by_code(text)
            if lg is not None:
                return selectors.local_government_label(lg)
        return text

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id') or self.attrs.get('id') or name}-choices"
        return html + format_html('<datalist id="{}"></datalist>', list_id)


class LocalGovernmentField(LocalGovernmentCodeField):
    """A local government by its name (with the autocomplete) or its 6-digit code: 高松市, 香川県 高松市, Takamatsu,
    372013. An ambiguous name (府中市) is refused with the candidates and their codes."""

    widget = LocalGovernmentInput
    default_error_messages = {
        **LocalGovernmentCodeField.default_error_messages,
        "not_found": _(
            "No local government is called “%(text)s”. Type part of the name and choose from the list, "
            "or enter its 6-digit code."
        ),
        "ambiguous": _(
            "Several local governments match “%(text)s”: %(candidates)s. Choose one from the list, or "
            "enter its code."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 80)
        kwargs.setdefault("label", _("municipality"))
        kwargs.setdefault(
            "help_text",
            _(
                "Type the name (e.g. 高松市 or Takamatsu) and choose from the list; "
                "the 6-digit code (372013) works too."
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        return forms.CharField.to_python(self, value)

    def clean(self, value) -> LocalGovernment | None:
        text = forms.CharField.clean(self, value)
        if not text:
            return None
        digits = normalise_digits(text)
        if (
            digits.isdigit() and len(digits) <= 7
        ):  # a code, typed as people type it: the code's own checks apply
            return super().clean(digits)
        lg, candidates = selectors.local_government_from_text(text)
        if lg is None:
            if not candidates:
                raise ValidationError(
                    self.error_messages["not_found"], code="not_found", params={"text": text}
                )
            separator = ", " if translation.get_language() == "en" else "、"
            listed = separator.join(selectors.local_government_label(c) for c in candidates)
            raise ValidationError(
                self.error_messages["ambiguous"],
                code="ambiguous",
                params={"text": text, "candidates": listed},
            )
        if lg.kind == LocalGovernment.Kind.PREFECTURE and not self.allow_prefecture:
            raise ValidationError(
                self.error_messages["prefecture"], code="prefecture", params={"code": lg.code}
            )
        return lg


class CorporateNumberField(forms.CharField):
    """A 13-digit corporate number (法人番号); full-width digits and hyphens accepted, cleaned to the digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("label", _("corporate number"))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        return normalise_digits(text) if text else text

    def validate(self, value):
        super().validate(value)
        if value:
            validate_corporate_number(value)
