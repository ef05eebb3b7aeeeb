"""Log in by e-mail, case-insensitively, with failed-login throttling.

Throttling lives in the backend because both the site's login form and the Wagtail admin's call Django's
`authenticate()`: one place covers both. Each attempt first reserves a slot in the throttle's counters (atomic, so
concurrent guesses cannot exceed the limit); a locked account/address is refused even with the right password.
"""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import throttle


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = throttle.normalise_email(email or username)
        if not email or password is None:
            return None
        if throttle.reserve(email, request) is not None:
            # PermissionDenied stops authenticate() from trying other backends; the form shows when to retry.
            raise PermissionDenied("login throttled")
        user = super().authenticate(request, username=email, password=password, **kwargs)
        if user is None:
            throttle.register_failure(email, request)
        else:
            throttle.register_success(email, request)
        return user
