"""Two-factor authentication before any page: after django-otp's OTPMiddleware has marked whether this session
passed a second factor (`request.user.is_verified()`), a signed-in user who needs one and has not given it is sent
to enter a code (or, ministry staff without an authenticator, to set one up). Site and admin alike."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from . import two_factor

# Pages a user between the password and the second factor may still open.
_OPEN_VIEWS = {
    "accounts:two_factor_verify",
    "accounts:two_factor_setup",
    "accounts:logout",
    "wagtailadmin_logout",
    "set_language",
}


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in _OPEN_VIEWS:
            return None
        if not two_factor.is_required(user):
            return None
        target = "accounts:two_factor_verify" if two_factor.has_device(user) else "accounts:two_factor_setup"
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return redirect(reverse(target) + (f"?{query}" if query else ""))
