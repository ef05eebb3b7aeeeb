"""The field that puts a challenge in a programme round, and refuses a challenge outside any round when
settings.PROGRAMME_REQUIRE_ROUND is on.

The check sits in the field (not in the challenge's clean()) so the challenges app adds one field and nothing else,
and the rule lives with the programme. Model.clean_fields() skips blank=True fields that are empty, so the field is
declared blank=False and decides itself, at validation time, whether an empty value is allowed; the admin form's
field is required exactly when the setting is on.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

ROUND_REQUIRED_MESSAGE = _("Choose the programme round this challenge belongs to.")


def round_required() -> bool:
    return bool(getattr(settings, "PROGRAMME_REQUIRE_ROUND", False))


class RoundForeignKey(models.ForeignKey):
    """A nullable ForeignKey to programme.RoundPage that is required only while PROGRAMME_REQUIRE_ROUND is on."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to", "programme.RoundPage")
        kwargs.setdefault("null", True)
        kwargs.setdefault("on_delete", models.SET_NULL)
        kwargs["blank"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("blank", None)
        return name, path, args, kwargs

    def validate(self, value, model_instance):
        if value in self.empty_values:
            if round_required():
                raise ValidationError(ROUND_REQUIRED_MESSAGE, code="round_required")
            return
        super().validate(value, model_instance)

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        field.required = round_required()
        return field
