"""Rendered editorial pages kept in the cache (issue #20: a plain content page cost 16–23× a bare Django view, most
of it the page's body, its children's `.public()` query and, for visitors, the whole shell):

- the page's body (title, introduction, blocks, the list of its public children) as a template fragment, through
  Django's `{% cache %}` tag, varied on the page, its live revision, the language, the host and the content version;
- for a visitor without a session, the whole page: `CachedPageMixin.serve` stores it and
  `AnonymousPageCacheMiddleware` answers the next identical request before Wagtail routes it, with a fresh CSRF
  token punched into the shell's language form (as the catalogue does, portal/challenges/catalogue.py).

What a kept page shows depends on other rows than its own: its children (published, moved, renamed, restricted),
the pages, images and documents its blocks link to, the site's address. Any of those changes — any page saved,
deleted, published, unpublished or moved, any view restriction, site, locale, image or document saved or deleted —
moves the content version on (now and after the commit), which every entry is keyed on or checked against: edits
are rare, reads are not, so the next visit simply renders afresh. Entries also expire after PAGE_CACHE_SECONDS
(0 turns the cache off: the tests' default).

Never kept: previews (a draft rendered with the live revision's key), pages with a view restriction on themselves
or an ancestor (whole pages only), anything but a GET without a query string, and a request with a session or
pending messages (whole pages only: the signed-in shell holds the user's name, counts and forms, so signed-in
visitors get the body fragment inside a freshly rendered shell).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .generations import Generation

CSRF_SENTINEL = "__xact_page_csrf_token__"
# Paths this process has stored a whole page for: other paths skip the cache lookup.
_KEPT_PATHS: set[str] = set()
MAX_KEPT_PATHS = 10_000


def seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0))


# The content version every kept body and page is made under (portal/core/generations.py).
CONTENT = Generation("pagecache:generation", enabled=lambda: seconds() > 0)


def version() -> str:
    return CONTENT.current()


def content_changed(*args, **kwargs) -> None:
    """Something a kept page may show changed: every kept body and page is stale."""
    CONTENT.retire()


def _is_preview(request) -> bool:
    return bool(getattr(request, "is_preview", False))


def body_cache(page, request) -> dict | None:
    """What the page template's `{% cache %}` of the body varies on, or None when the body must be rendered
    (the cache is off, a preview, a page that is not live)."""
    if (
        seconds() <= 0
        or request is None
        or _is_preview(request)
        or not page.live
        or not page.live_revision_id
    ):
        return None
    return {
        "seconds": seconds(),
        "vary": f"{page.pk}:{page.live_revision_id}:{request.get_host()}:{version()}",
    }


# --- whole pages for visitors without a session --------------------------------------------------------------------


def _page_key(request) -> str | None:
    """The whole page's key: language, scheme, host and path (its canonical and hreflang links are absolute)."""
    if (
        seconds() <= 0
        or request.method != "GET"
        or request.META.get("QUERY_STRING")
        or _is_preview(request)
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or "messages" in request.COOKIES
    ):
        return None
    digest = hashlib.blake2b(
        f"{request.scheme}|{request.get_host()}|{request.path}".encode(), digest_size=16
    ).hexdigest()
    return f"pagecache:page:{translation.get_language()}:{digest}"


def cached_page(request) -> str | None:
    """A visitor's whole page when a copy of the current content version is kept, else None."""
    if request.path not in _KEPT_PATHS:
        return None
    key = _page_key(request)
    if key is None:
        return None
    token, found = CONTENT.read(key)
    entry = found.get(key)
    if entry is None or entry[0] != token:
        return None
    return entry[1]


class AnonymousPageCacheMiddleware:
    """Answers a visitor without a session from the whole page `CachedPageMixin` kept for that address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        html = cached_page(request)
        if html is None:
            return self.get_response(request)
        response = HttpResponse(html.replace(CSRF_SENTINEL, get_token(request)))
        response["X-Page-Cache"] = "hit"
        return response


class CachedPageMixin:
    """For Page classes whose template varies on nothing of the visitor but the language and the shell's CSRF token
    (when signed out): the whole page is kept for visitors without a session (see the module's docstring)."""

    def _whole_page_key(self, request) -> str | None:
        key = _page_key(request)
        if key is None or self.get_view_restrictions().exists():
            return None
        return key

    def serve(self, request, *args, **kwargs):
        key = self._whole_page_key(request) if not args and not kwargs else None
        if key is None:
            return super().serve(request, *args, **kwargs)
        at_version = version()  # read before rendering: a change during the render leaves the copy stale
        request.page_cache_csrf = CSRF_SENTINEL
        response = super().serve(request, *args, **kwargs)
        if response.status_code == 200 and hasattr(response, "render"):
            response.render()
            html = response.content.decode()
            cache.set(key, (at_version, html), seconds())
            if len(_KEPT_PATHS) >= MAX_KEPT_PATHS:
                _KEPT_PATHS.clear()
            _KEPT_PATHS.add(request.path)
            response.content = html.replace(CSRF_SENTINEL, get_token(request))
        return response

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if getattr(request, "page_cache_csrf", None):
            context["csrf_token"] = request.page_cache_csrf
        context["body_cache"] = body_cache(self, request)
        return context


# --- invalidation ------------------------------------------------------------------------------------------------


def connect_signals() -> None:
    CONTENT.retire_on_change(
        (Page, PageViewRestriction, Site, Locale, get_image_model(), get_document_model()),
        uid="xact.core.pagecache",
    )
    uid = "xact.core.pagecache."
    page_published.connect(content_changed, dispatch_uid=uid + "published")
    page_unpublished.connect(content_changed, dispatch_uid=uid + "unpublished")
    post_page_move.connect(content_changed, dispatch_uid=uid + "moved")
