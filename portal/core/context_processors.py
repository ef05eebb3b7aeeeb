"""Template context every page of the site shell needs."""

from django.conf import settings


def site_shell(request):
    return {
        "SITE_NAME": settings.WAGTAIL_SITE_NAME,
        "PRIVACY_POLICY_VERSION": settings.PRIVACY_POLICY_VERSION,
    }
