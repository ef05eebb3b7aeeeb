"""Serve anonymous visitors' catalogue pages from the cache before Wagtail routes the request.

The page (`ChallengeIndexPage.serve`) stores itself whole for visitors without a session; this middleware answers
the next identical request from that copy, with a fresh CSRF token punched into the shell's language form.
A publish, unpublish, delete or recorded outcome renews the tokens the affected entries depend on (catalogue.py),
so nobody sees a removed challenge; only a status that changes by the clock can be up to CHALLENGES_CACHE_SECONDS
late. A stale entry is re-rendered by one request at a time, the others get the stale copy meanwhile.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.middleware.csrf import get_token

from . import catalogue


class CatalogueCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        html = catalogue.cached_page(request)
        if html is None:
            try:
                return self.get_response(request)
            finally:
                catalogue.release(request)
        response = HttpResponse(html.replace(catalogue.PAGE_CSRF_SENTINEL, get_token(request)))
        response["X-Catalogue-Cache"] = "hit"
        return response
