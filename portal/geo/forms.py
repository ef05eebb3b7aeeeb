"""Form fields for Japanese codes: people type full-width digits, spaces and hyphens; we store the digits."""

from django import forms
from django.core.exceptions import ValidationError
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
