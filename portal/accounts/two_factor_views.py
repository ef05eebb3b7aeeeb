"""Two-factor authentication pages: set up (QR code and secret), enter a code after the password, recovery codes,
turn off (when not required), and the ministry's reset in the admin. Thin: two_factor.py does the work."""

from __future__ import annotations

import base64
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.qr import write_qrcode_image

from portal.core import ratelimit
from portal.core.decisions import require

from . import permissions, two_factor
from .forms import TwoFactorCodeForm
from .models import User
from .views import landing_url

_SECRET_SESSION_KEY = "xact_2fa_pending_secret"


def _next_url(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _qr_data_uri(uri: str) -> str:
    """The QR code as an SVG image in a data: URI (the content security policy allows data: images)."""
    out = io.BytesIO()
    write_qrcode_image(uri, out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


@login_required
def manage(request):
    """The account's two-factor status: turn it on, new recovery codes, turn it off (when not required)."""
    return render(
        request,
        "accounts/two_factor_manage.html",
        {
            "has_device": two_factor.has_device(request.user),
            "required": settings.XACT_2FA_REQUIRED_FOR_MINISTRY and permissions.is_ministry(request.user),
            "codes_left": two_factor.recovery_codes_left(request.user),
        },
    )


@login_required
def setup(request):
    user = request.user
    if two_factor.has_device(user):
        # Only a verified session may look at or replace the second factor.
        return redirect("accounts:two_factor" if user.is_verified() else "accounts:two_factor_verify")
    secret = request.session.get(_SECRET_SESSION_KEY) or two_factor.new_secret()
    request.session[_SECRET_SESSION_KEY] = secret
    device = two_factor.pending_device(user, secret)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refused = ratelimit.check(request, "two_factor", key="user")
        if refused is not None:
            return refused
        codes = two_factor.two_factor_enable(
            user=user, secret_hex=secret, code=form.cleaned_data["code"], request=request
        )
        if codes is not None:
            del request.session[_SECRET_SESSION_KEY]
            return render(
                request,
                "accounts/two_factor_codes.html",
                {"codes": codes, "next": _next_url(request, landing_url(user)), "first_time": True},
            )
        form.add_error(
            "code", _("The code is not correct. Check the time on your phone and try the newest code.")
        )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_image": _qr_data_uri(device.config_url),
            "otpauth_uri": device.config_url,
            "secret": two_factor.secret_base32(device),
            "next": request.GET.get("next", ""),
        },
    )


@login_required
def verify(request):
    """After the password: a code from the authenticator app, or a recovery code."""
    user = request.user
    default = landing_url(user)
    if user.is_verified() or not two_factor.is_required(user):
        return redirect(_next_url(request, default))
    if not two_factor.has_device(user):
        return redirect("accounts:two_factor_setup")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refused = ratelimit.check(request, "two_factor", key="user")
        if refused is not None:
            return refused
        if (
            two_factor.two_factor_verify(user=user, code=form.cleaned_data["code"], request=request)
            is not None
        ):
            return redirect(_next_url(request, default))
        form.add_error(
            "code",
            _("The code is not correct, or too many wrong codes were tried just now. Please wait and retry."),
        )
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


@login_required
@require_POST
def recovery_regenerate(request):
    if not two_factor.has_device(request.user):
        return redirect("accounts:two_factor")
    codes = two_factor.recovery_codes_regenerate(user=request.user, request=request)
    return render(
        request,
        "accounts/two_factor_codes.html",
        {"codes": codes, "next": _next_url(request, landing_url(request.user)), "first_time": False},
    )


@login_required
@require_POST
def disable(request):
    try:
        two_factor.two_factor_disable(user=request.user, request=request)
    except PermissionDenied:
        messages.error(request, _("Ministry staff must keep two-factor authentication on."))
    else:
        messages.success(request, _("Two-factor authentication is off."))
    return redirect("accounts:two_factor")


def admin_reset(request, user_pk: int):
    """In the admin: ministry staff remove a user's two-factor devices (confirm, then POST)."""
    user = get_object_or_404(User, pk=user_pk)
    require(permissions.can_reset_two_factor(request.user, user))
    if request.method == "POST":
        two_factor.two_factor_reset(actor=request.user, user=user, request=request)
        messages.success(request, _("Two-factor authentication of %(user)s was reset.") % {"user": user})
        return redirect("wagtailusers_users:index")
    return render(
        request,
        "accounts/admin/two_factor_reset.html",
        {"target": user, "has_device": two_factor.has_device(user)},
    )
