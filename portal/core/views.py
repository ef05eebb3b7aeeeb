"""Site-wide pages that belong to no app: the privacy policy and the error pages."""

from django.conf import settings
from django.http import HttpResponseNotFound, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from .i18n import reader_language


def privacy_policy(request):
    """The privacy policy in Japanese and English, with the version users consent to."""
    return render(request, "core/privacy.html", {"version": settings.PRIVACY_POLICY_VERSION})


@requires_csrf_token
def page_not_found(request, exception=None):
    template = loader.get_template("404.html")
    return HttpResponseNotFound(template.render({"request_path": request.path}, request))


@requires_csrf_token
def server_error(request):
    """Rendered without context processors or database access: it must work when the database is down."""
    template = loader.get_template("500.html")
    language = reader_language()
    return HttpResponseServerError(
        template.render({"LANGUAGE_CODE": language, "STATIC_URL": settings.STATIC_URL})
    )
