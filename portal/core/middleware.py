"""Faults under the portal answered in the user's language instead of a 500: the database going away (503), the
disk filling up (507).

A database that goes away (restart, fail-over, network) gives the user a 503 page in their language, not a 500.

Every write in a service runs in one transaction, so a write cut off by a lost connection is rolled back by the
database: the page can say truthfully that nothing of it was saved. Django closes the broken connection when the
request ends, and CONN_HEALTH_CHECKS makes the next request open a new one (settings/base.py).
"""

import errno
import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse, UnreadablePostError
from django.template import loader
from django.utils.translation import gettext as _

from .i18n import reader_language
from .storage import storage_error

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
        language = reader_language()
        body = loader.get_template("503.html").render(
            {"LANGUAGE_CODE": language, "STATIC_URL": settings.STATIC_URL}
        )
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_S)
        response["Cache-Control"] = "no-store"
        return response


class FullDiskMiddleware:
    """A full disk answered with a message in the user's language (507), never a 500.

    Uploads above FILE_UPLOAD_MAX_MEMORY_SIZE are written to FILE_UPLOAD_TEMP_DIR while the body is parsed — before
    any view runs, as CsrfViewMiddleware reads request.POST — so no form can show the error. This parses multipart
    bodies first; on ENOSPC/EDQUOT it removes the half-written temporary file and answers with the message the
    upload forms use (nothing of the request was saved: no view ran).

    Any other write that finds the disk full in a view or its template — Wagtail making a resized image
    (rendition) for a page or the admin, for instance — gets a page saying the storage is full instead of a 500.
    Both answer JSON to scripts, such as Wagtail's multiple uploader.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type == "multipart/form-data":
            try:
                request.POST, request.FILES  # noqa: B018 - parse now, where a full disk can be answered
            except UnreadablePostError:
                pass  # the client went away: as before, CSRF and the view see an empty body
            except OSError as exc:
                if not _disk_full(exc):
                    raise
                self._remove_partial_files(request)
                return _full_disk_response(request, str(storage_error(exc).messages[0]))
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not _disk_full(exception):
            return None
        logger.error("storage full during %s %s: %s", request.method, request.path, exception)
        return _full_disk_response(
            request,
            str(
                _(
                    "The server's storage is full, so this could not be completed. Please try again later; if it keeps "
                    "failing, tell the programme office."
                )
            ),
        )

    @staticmethod
    def _remove_partial_files(request):
        for handler in getattr(request, "_upload_handlers", ()):
            partial = getattr(handler, "file", None)
            if partial is not None:
                partial.close()  # a TemporaryUploadedFile deletes its file when closed


def _disk_full(exc) -> bool:
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


def _full_disk_response(request, message: str) -> HttpResponse:
    if request.headers.get("X-Requested-With") == "XMLHttpRequest" or not request.accepts("text/html"):
        response = JsonResponse({"success": False, "error_message": message}, status=507)
    else:
        # No context processors: the page renders whatever else is failing.
        language = reader_language()
        body = loader.get_template("507.html").render(
            {"LANGUAGE_CODE": language, "STATIC_URL": settings.STATIC_URL, "message": message}
        )
        response = HttpResponse(body, status=507)
    response["Cache-Control"] = "no-store"
    return response
