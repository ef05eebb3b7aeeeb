"""A database that goes away (restart, fail-over, network) gives the user a 503 page in their language, not a 500.

Every write in a service runs in one transaction, so a write cut off by a lost connection is rolled back by the
database: the page can say truthfully that nothing of it was saved. Django closes the broken connection when the
request ends, and CONN_HEALTH_CHECKS makes the next request open a new one (settings/base.py).
"""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils import translation

logger = logging.getLogger(__name__)

RETRY_AFTER_S = 30


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable during %s %s: %s", request.method, request.path, exception)
        # No context processors, no database: the page must render while the database is away.
        language = translation.get_language() or settings.LANGUAGE_CODE
        body = loader.get_template("503.html").render({"LANGUAGE_CODE": language, "STATIC_URL": settings.STATIC_URL})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_S)
        response["Cache-Control"] = "no-store"
        return response
