"""Serve anonymous visitors' catalogue pages from the cache before Wagtail routes the request.

The page (`ChallengeIndexPage.serve`) stores itself whole for visitors without a session; this middleware answers
the next identical request from that copy, with a fresh CSRF token punched into the shell's language form.
A publish, unpublish, delete or recorded outcome renews the tokens the affected entries depend on (catalogue.py),
so nobody sees a removed challenge; only a status that changes by the clock can be up to CHALLENGES_CACHE_SECONDS
late. A stale entry is re-rendered by one request at a time, the others get the stale copy meanwhile.

That re-render (the first visit after a publication) renders the catalogue alone inside the page kept around it
at the last whole render (header, navigation, the page's title and introduction, footer: catalogue.store_shell),
without Wagtail's routing, the site lookup or the shell's templates — as long as that shell is younger than
CHALLENGES_CACHE_SECONDS and the catalogue page is still live, unrestricted and at the same revision; otherwise
the page is rendered whole (and its shell kept again). The shell's parts are thus at most twice the period old.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.middleware.csrf import get_token

from . import catalogue
from .models import ChallengeIndexPage


class CatalogueCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        html = catalogue.cached_page(request)
        if html is not None:
            response = HttpResponse(html.replace(catalogue.PAGE_CSRF_SENTINEL, get_token(request)))
            response["X-Catalogue-Cache"] = "hit"
            return response
        try:
            html = _refresh(request)
            if html is None:
                return self.get_response(request)
        finally:
            catalogue.release(request)
        response = HttpResponse(html.replace(catalogue.PAGE_CSRF_SENTINEL, get_token(request)))
        response["X-Catalogue-Render"] = "catalogue"
        return response


def _refresh(request) -> str | None:
    """A stale page re-rendered as its kept shell around a freshly rendered catalogue (the first visit after a
    publication), or None when it must be rendered whole: no shell kept (or older than the cache period), the
    catalogue page unpublished, edited since or now restricted, or filter values no longer valid."""
    shell = catalogue.shell_for_refresh(request)
    if shell is None:
        return None
    # What the catalogue and these checks read of the page (the rest loads on use: the filter form's link, when
    # the form is not cached).
    page = (
        ChallengeIndexPage.objects.live()
        .filter(pk=shell["page"])
        .only("path", "depth", "live_revision_id", "alias_of_id")
        .first()
    )
    if page is None or page.live_revision_id != shell["revision"] or page.get_view_restrictions().exists():
        return None
    fragment = page.catalogue_html(request)
    if not getattr(request, "_challenges_filter_valid", False):
        return None
    html = shell["head"] + fragment + shell["tail"]
    catalogue.store_page(request, html)
    return html
