"""Two-factor authentication: a TOTP authenticator app plus ten one-time recovery codes (django-otp's TOTP and static
plugins, through their public API only).

Required for ministry staff (they approve money and decide matches) when `XACT_2FA_REQUIRED_FOR_MINISTRY` is on;
anyone else may turn it on from their account page. `TwoFactorMiddleware` (middleware.py) sends a signed-in user who
needs a second factor to set one up or to enter a code before any page of the site or the admin.

Services here follow the house rules: keyword-only, one transaction, an audit event.
"""

from __future__ import annotations

import base64
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from portal.core.audit import record
from portal.core.decisions import require

from . import access, permissions
from .models import User

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"
_DIGITS = re.compile(r"^\d{6}$")


# ---------------------------------------------------------------------------------------------- reads


def is_required(user) -> bool:
    """Must this user use a second factor? Ministry staff (setting on) and anyone who turned it on."""
    if not getattr(user, "is_authenticated", False):
        return False
    if settings.XACT_2FA_REQUIRED_FOR_MINISTRY and permissions.is_ministry(user):
        return True
    return has_device(user)


def has_device(user) -> bool:
    """A confirmed authenticator or recovery codes. For a signed-in, active user through their cached access
    (access.py: retired by every save or deletion of one of their devices), as the middleware asks on every page."""
    if getattr(user, "is_authenticated", False) and user.is_active and user.pk is not None:
        return access.user_access(user).has_confirmed_device
    return user_has_device(user, confirmed=True)


def recovery_codes_left(user) -> int:
    device = StaticDevice.objects.devices_for_user(user, confirmed=True).first()
    return device.token_set.count() if device is not None else 0


def new_secret() -> str:
    """A fresh secret (hex) for the setup page; kept in the session until the first code confirms it."""
    return random_hex(20)


def pending_device(user: User, secret_hex: str) -> TOTPDevice:
    """An unsaved device for the setup page: its otpauth:// URI and secret, and for checking the first code."""
    return TOTPDevice(user=user, name=TOTP_DEVICE_NAME, key=secret_hex, confirmed=False)


def secret_base32(device: TOTPDevice) -> str:
    """The secret as an authenticator app's manual entry wants it (base32, no padding)."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def _normalise_code(code: str) -> str:
    return "".join((code or "").split()).lower()


# ---------------------------------------------------------------------------------------------- writes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.devices_for_user(user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def two_factor_enable(*, user: User, secret_hex: str, code: str, request=None) -> list[str] | None:
    """Confirm the authenticator with its first code: save the device, make ten recovery codes (returned, to be
    shown once), and count this session as verified. None when the code is wrong."""
    device = pending_device(user, secret_hex)
    code = _normalise_code(code)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if not _DIGITS.match(code) or not totp.verify(int(code), device.tolerance):
        return None
    with transaction.atomic():
        TOTPDevice.objects.devices_for_user(user).delete()
        device.confirmed = True
        device.last_t = totp.t()
        device.full_clean()
        device.save()
        codes = _new_recovery_codes(user)
        record(actor=user, action="accounts.2fa_enabled", obj=user, request=request)
    if request is not None:
        otp_login(request, device)
    return codes


def two_factor_verify(*, user: User, code: str, request=None):
    """Check a code after the password: a 6-digit authenticator code, or a recovery code (used up, audited).
    The device that accepted it, or None. django-otp throttles each device after failures."""
    code = _normalise_code(code)
    if _DIGITS.match(code):
        candidates = [d for d in devices_for_user(user, confirmed=True) if isinstance(d, TOTPDevice)]
    else:
        candidates = [d for d in devices_for_user(user, confirmed=True) if isinstance(d, StaticDevice)]
    for device in candidates:
        with transaction.atomic():
            if device.verify_token(code):
                if isinstance(device, StaticDevice):
                    record(
                        actor=user,
                        action="accounts.2fa_recovery_code_used",
                        obj=user,
                        request=request,
                        codes_left=device.token_set.count(),
                    )
                break
    else:
        return None
    if request is not None:
        otp_login(request, device)
    return device


def recovery_codes_regenerate(*, user: User, request=None) -> list[str]:
    """Ten new recovery codes (the old ones stop working); returned to be shown once."""
    if not has_device(user):
        raise PermissionDenied("no second factor")
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        record(actor=user, action="accounts.2fa_recovery_regenerated", obj=user, request=request)
    return codes


def two_factor_disable(*, user: User, request=None) -> None:
    """A user who is not required to use a second factor turns it off."""
    if settings.XACT_2FA_REQUIRED_FOR_MINISTRY and permissions.is_ministry(user):
        raise PermissionDenied("ministry staff must keep a second factor")
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        record(actor=user, action="accounts.2fa_disabled", obj=user, request=request)


def two_factor_reset(*, actor: User, user: User, request=None) -> None:
    """Ministry staff remove a user's devices: the user sets up a new authenticator at the next login (if
    required) and the reset is audited."""
    require(permissions.can_reset_two_factor(actor, user))
    with transaction.atomic():
        removed = 0
        for device in devices_for_user(user, confirmed=None):
            device.delete()
            removed += 1
        record(actor=actor, action="accounts.2fa_reset", obj=user, request=request, devices=removed)
