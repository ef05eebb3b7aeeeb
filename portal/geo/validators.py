"""Form/model validators for Japanese codes, with messages in the user's language."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .codes import is_valid_corporate_number, is_valid_lg_code, normalise_digits


def validate_lg_code(value: str) -> None:
    code = normalise_digits(value)
    if len(code) != 6 or not code.isdigit():
        raise ValidationError(
            _("A local-government code has 6 digits (e.g. 372013 for Takamatsu)."), code="lg_format"
        )
    if not is_valid_lg_code(code):
        raise ValidationError(
            _("%(code)s is not a valid local-government code: the check digit does not match."),
            code="lg_check_digit",
            params={"code": code},
        )


def validate_corporate_number(value: str) -> None:
    number = normalise_digits(value)
    if len(number) != 13 or not number.isdigit():
        raise ValidationError(_("A corporate number has 13 digits."), code="corp_format")
    if not is_valid_corporate_number(number):
        raise ValidationError(
            _("%(number)s is not a valid corporate number: the check digit does not match."),
            code="corp_check_digit",
            params={"number": number},
        )
