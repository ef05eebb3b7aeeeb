"""Forms for signing up, signing in and accepting invitations. They validate and normalise; services write.

Codes typed with full-width digits, spaces or hyphens are normalised in `clean_*` and the normalised value is put
back into the bound data, so a re-displayed form shows what we understood.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm
from wagtail.admin.forms.auth import PasswordResetForm as WagtailPasswordResetForm

from portal.core import ratelimit
from portal.core.clientip import client_ip
from portal.core.i18n import reader_language
from portal.geo.codes import normalise_digits
from portal.geo.models import Prefecture
from portal.geo.validators import validate_corporate_number

from . import selectors, throttle
from .models import StartupProfile, User

_PERSON_KANA = re.compile(r"^[\u30A1-\u30FA\u30FC\u30FB\u3000 ]+$")
_ORGANISATION_KANA = re.compile(r"^[\u30A1-\u30FA\u30FC\u30FB\u3000 0-9A-Za-z&.,\-・]+$")


def to_katakana(value: str) -> str:
    """NFKC (half-width katakana → full-width) and hiragana → katakana; surrounding spaces dropped."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


class NormalisingFormMixin:
    """Lets clean_* methods write the normalised value back into the data the form re-displays."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and hasattr(self.data, "copy"):
            self.data = self.data.copy()

    def show_normalised(self, field_name: str, value: str) -> None:
        if self.is_bound:
            self.data[self.add_prefix(field_name)] = value


class PersonNameFieldsMixin(NormalisingFormMixin):
    def _kana(self, field_name: str) -> str:
        value = to_katakana(self.cleaned_data.get(field_name, ""))
        self.show_normalised(field_name, value)
        if value and not _PERSON_KANA.match(value):
            raise ValidationError(_("Please write this in katakana (e.g. ヤマダ)."), code="kana")
        return value

    def clean_family_name_kana(self):
        return self._kana("family_name_kana")

    def clean_given_name_kana(self):
        return self._kana("given_name_kana")


def _password_fields():
    return (
        forms.CharField(
            label=_("Password"),
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            help_text=password_validation.password_validators_help_text_html(),
        ),
        forms.CharField(
            label=_("Password (again)"),
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        ),
    )


def _check_passwords(form, user: User) -> None:
    password1 = form.cleaned_data.get("password1")
    password2 = form.cleaned_data.get("password2")
    if password1 and password2 and password1 != password2:
        form.add_error("password2", ValidationError(_("The two passwords differ."), code="password_mismatch"))
        return
    if password1:
        try:
            password_validation.validate_password(password1, user)
        except ValidationError as error:
            form.add_error("password1", error)


def privacy_consent_label():
    return format_html(
        '{} <a href="{}" target="_blank" rel="noopener">{}</a>',
        _("I have read and agree to the"),
        reverse("privacy"),
        _("privacy policy (opens in a new tab)"),
    )


class RegistrationForm(PersonNameFieldsMixin, forms.Form):
    """A startup signs itself up: who you are, your organisation, and consent to the privacy policy."""

    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1, password2 = _password_fields()
    family_name = forms.CharField(
        label=_("Family name"), max_length=60, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    given_name = forms.CharField(
        label=_("Given name"), max_length=60, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    family_name_kana = forms.CharField(label=_("Family name (kana)"), max_length=60)
    given_name_kana = forms.CharField(label=_("Given name (kana)"), max_length=60)
    given_name_en = forms.CharField(
        label=_("Given name (English)"),
        max_length=60,
        required=False,
        help_text=_("Optional: how your name is written on the English pages (e.g. Makoto)."),
    )
    family_name_en = forms.CharField(
        label=_("Family name (English)"),
        max_length=60,
        required=False,
        help_text=_("Optional: e.g. Tanaka."),
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)
    organisation_name = forms.CharField(
        label=_("Organisation name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    organisation_name_kana = forms.CharField(
        label=_("Organisation name (kana)"), max_length=200, required=False
    )
    organisation_name_en = forms.CharField(
        label=_("Organisation name (English)"), max_length=200, required=False
    )
    prefecture = forms.ModelChoiceField(
        label=_("Prefecture of your head office"),
        queryset=Prefecture.objects.order_by("code"),
        empty_label="—",
    )
    corporate_number = forms.CharField(
        label=_("Corporate number (13 digits)"),
        max_length=40,
        required=False,
        help_text=_("Optional: teams not yet incorporated leave it empty."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    consent_privacy = forms.BooleanField(label=_("Privacy policy"), required=True)
    # Shown only after the warning that an organisation of the same name exists.
    confirm_similar_name = forms.BooleanField(
        label=_("Register anyway: mine is a different organisation"), required=False
    )
    similar_name_warning = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent_privacy"].label = privacy_consent_label()
        self.fields["consent_privacy"].error_messages["required"] = _("Please agree to the privacy policy.")
        self.fields["preferred_language"].initial = reader_language()

    def clean_email(self):
        # No "already registered" error: that would tell anyone who has an account (the service tells the owner).
        return User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()

    def clean_organisation_name(self):
        name = self.cleaned_data.get("organisation_name", "")
        similar = selectors.organisations_named_like(name)
        confirmed = forms.BooleanField().to_python(self.data.get(self.add_prefix("confirm_similar_name")))
        if similar and not confirmed:
            self.similar_name_warning = True
            raise ValidationError(
                _(
                    "An organisation named %(name)s is already registered. If yours is a different organisation, "
                    "tick the box below and register again; if it is yours, ask its administrator to invite you."
                ),
                code="similar_name",
                params={"name": similar[0].name},
            )
        return name

    def clean_organisation_name_kana(self):
        value = to_katakana(self.cleaned_data.get("organisation_name_kana", ""))
        self.show_normalised("organisation_name_kana", value)
        if value and not _ORGANISATION_KANA.match(value):
            raise ValidationError(
                _("Please write this in katakana (e.g. カブシキガイシャ テスト)."), code="kana"
            )
        return value

    def clean_corporate_number(self):
        raw = self.cleaned_data.get("corporate_number", "")
        number = normalise_digits(raw)
        self.show_normalised("corporate_number", number)
        if not number:
            return ""
        validate_corporate_number(number)
        if StartupProfile.objects.filter(corporate_number=number).exists():
            raise ValidationError(
                _("A startup with this corporate number is already registered."),
                code="duplicate_corporate_number",
            )
        return number

    def clean(self):
        cleaned = super().clean()
        _check_passwords(
            self,
            User(
                email=cleaned.get("email", ""),
                family_name=cleaned.get("family_name", ""),
                given_name=cleaned.get("given_name", ""),
            ),
        )
        return cleaned


class InvitationAcceptForm(PersonNameFieldsMixin, forms.Form):
    family_name = forms.CharField(label=_("Family name"), max_length=60)
    given_name = forms.CharField(label=_("Given name"), max_length=60)
    family_name_kana = forms.CharField(label=_("Family name (kana)"), max_length=60)
    given_name_kana = forms.CharField(label=_("Given name (kana)"), max_length=60)
    given_name_en = forms.CharField(
        label=_("Given name (English)"),
        max_length=60,
        required=False,
        help_text=_("Optional: how your name is written on the English pages (e.g. Makoto)."),
    )
    family_name_en = forms.CharField(
        label=_("Family name (English)"),
        max_length=60,
        required=False,
        help_text=_("Optional: e.g. Tanaka."),
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)
    password1, password2 = _password_fields()
    consent_privacy = forms.BooleanField(label=_("Privacy policy"), required=True)

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)
        self.fields["consent_privacy"].label = privacy_consent_label()
        self.fields["consent_privacy"].error_messages["required"] = _("Please agree to the privacy policy.")
        self.fields["preferred_language"].initial = reader_language()

    def clean(self):
        cleaned = super().clean()
        _check_passwords(
            self,
            User(
                email=self.email,
                family_name=cleaned.get("family_name", ""),
                given_name=cleaned.get("given_name", ""),
            ),
        )
        return cleaned


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class EmailOnlyForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


def locked_error(lock: throttle.Lock) -> ValidationError:
    return ValidationError(
        _(
            "Too many failed log-in attempts. For your security, logging in is paused until %(time)s "
            "(about %(minutes)s minutes). Please try again then, or reset your password."
        ),
        code="throttled",
        params={"time": formats.time_format(lock.until_datetime, "H:i"), "minutes": lock.minutes_left},
    )


class ThrottledLoginMixin:
    """Shows when a throttled login may be retried, and why an unverified account cannot log in yet."""

    def clean(self):
        email = self.cleaned_data.get("username")
        lock = throttle.lock_for(email, self.request)
        if lock is not None:
            raise locked_error(lock)
        try:
            return super().clean()
        except ValidationError:
            lock = throttle.lock_for(email, self.request)
            if lock is not None:
                raise locked_error(lock) from None
            self._refuse_unverified(email, self.cleaned_data.get("password"))
            raise

    def _refuse_unverified(self, email, password):
        user = User.objects.filter(email__iexact=(email or "").strip()).first()
        if (
            user is not None
            and not user.is_active
            and user.email_verified_at is None
            and password
            and user.check_password(password)
        ):
            raise ValidationError(
                _(
                    "Your e-mail address is not verified yet. Please open the link we sent you by e-mail, "
                    "or ask for a new link below."
                ),
                code="unverified",
            )


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail address or the password is not correct."),
    }


class AdminLoginForm(ThrottledLoginMixin, WagtailLoginForm):
    """The Wagtail admin's login form (settings.WAGTAILADMIN_USER_LOGIN_FORM) with the same throttle messages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail declares the field without a label, so Django shows its name, "Password", in every language.
        self.fields["password"].label = _("Password")


class RateLimitedPasswordResetMixin:
    """Password reset mails: at most RATE_LIMIT_PASSWORD_RESET per client address and
    RATE_LIMIT_PASSWORD_RESET_ACCOUNT per account. Over a limit nothing is sent, and the answer is the same
    "if an account uses this address, we have sent a link" as always (nobody learns who has an account)."""

    def save(self, *args, request=None, **kwargs):
        email = throttle.normalise_email(self.cleaned_data.get("email"))
        if ratelimit.hit("password_reset", f"ip:{client_ip(request) or 'unknown'}") is not None:
            return
        if ratelimit.hit("password_reset_account", f"account:{email}") is not None:
            return
        super().save(*args, request=request, **kwargs)


class PasswordResetForm(RateLimitedPasswordResetMixin, DjangoPasswordResetForm):
    pass


class AdminPasswordResetForm(RateLimitedPasswordResetMixin, WagtailPasswordResetForm):
    """The Wagtail admin's password reset (settings.WAGTAILADMIN_USER_PASSWORD_RESET_FORM), limited alike."""


class EmailChangeForm(forms.Form):
    """A signed-in user asks to change their e-mail address; their password proves it is them."""

    new_email = forms.EmailField(
        label=_("New e-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data.get("password", "")
        if not self.user.check_password(password):
            raise ValidationError(_("The password is not correct."), code="wrong_password")
        return password


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}
        ),
    )
