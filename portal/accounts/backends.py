"""Log in by e-mail, case-insensitively, with failed-login throttling.

Throttling lives in the backend because both the site's login form and the Wagtail admin's call Django's
`authenticate()`: one place covers both. Each attempt first reserves a slot in the throttle's counters (atomic, so
concurrent guesses cannot exceed the limit); a locked account/address is refused even with the right password.
"""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import throttle
from .access import user_access


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

    # Permissions through the user's cached access (portal/accounts/access.py): read once, not two queries a page.
    def get_user_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set(user_access(user_obj).user_permissions)

    def get_group_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set(user_access(user_obj).group_permissions)
