"""The page a request for a Wagtail page goes to, and whether any view restriction applies to it,
kept in the cache instead of being looked up again on every request (issue #20: the logged-in shell).

Wagtail's serve view asks `Page.route_for_request(request, path)`, which finds the Site for the host and the site
root's translation, then calls the root's `route()`: one query per path component and one for each page's specific
row; its `on_serve_page` hook then reads the page's view restrictions (the ancestors, then the
restrictions). Both answers are the same for every visitor of one address, so:

- `HomePage.route` (the site root's; Wagtail's documented place to change how a path finds its page) asks
  `route_from_cache`: one cache entry per site root, language and path holding the page's pk, specific model, locale
  and url_path. On a hit that page is loaded with one query instead of one query per path component and one per
  page's specific row; Wagtail's serve view then serves it, runs its hooks and checks its restrictions as always. The
  entry is used only if the page loaded is still live, in the same locale and at the same url_path (a move, a slug
  change or an unpublish that a signal missed finds nothing and Wagtail routes afresh); pages whose class routes on
  its own (a `route()` override: sub-pages, routable pages) are never kept. The Site lookup is Wagtail's own.
- `CachedViewRestrictionsMixin.get_view_restrictions` (on the portal's page classes): one cached map of which page
  paths carry a restriction and which pages are aliases; a page with neither on itself nor on an ancestor gets an
  empty queryset without a query, any other page Wagtail's own answer.

Every entry carries the routing version, bumped (now and after the commit) by what can change a path's answer that
the check on use cannot see: a page created (a new alias) or deleted, a page moved (its subtree's paths, and so the
restriction map), any Site or Locale saved or deleted, and any view restriction saved or deleted. A publish, an
unpublish or an edit keeps the cache (issue #20: the first catalogue visit after a publish re-walked every path):
what they can change in routing (live, url_path after a slug change, locale) is checked on every hit, so an entry
they made wrong is never used. Entries also expire after ROUTE_CACHE_SECONDS (0 turns both caches off: the tests'
default).
"""

from __future__ import annotations

import hashlib

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import post_page_move
from wagtail.url_routing import RouteResult

from .generations import Generation

_PROTECTED_KEY = "routing:protected"


def _seconds() -> int:
    return int(getattr(settings, "ROUTE_CACHE_SECONDS", 0))


# The routing version every route and restriction map is kept under (portal/core/generations.py).
ROUTING = Generation("routing:generation", enabled=lambda: _seconds() > 0)


def _read(key: str):
    """(the routing version, the entry under `key` if it was stored at that version else None): one cache read."""
    version, found = ROUTING.read(key)
    entry = found.get(key)
    return version, (entry[1] if entry is not None and entry[0] == version else None)


def invalidate(*args, **kwargs) -> None:
    """Something routing depends on changed: every cached site, route and restriction map is stale."""
    ROUTING.retire()


def _route_key(root, path_components) -> str:
    path = "/".join(path_components)
    digest = hashlib.blake2b(
        f"{root.pk}|{translation.get_language()}|{path}".encode(), digest_size=16
    ).hexdigest()
    return f"routing:route:{digest}"


def _routes_on_its_own(page_class) -> bool:
    return getattr(page_class, "route", None) is not Page.route


def route_from_cache(root, request, path_components, route):
    """`Page.route` of the site root, from the cache: `route` (Wagtail's own walk down the tree) answers a miss, and
    a plain page it finds is kept for its path; a hit is loaded with one query and used only while it is still live,
    in the same locale and at the same url_path."""
    seconds = _seconds()
    if seconds <= 0 or not path_components:
        return route(request, path_components)
    key = _route_key(root, path_components)
    version, entry = _read(key)
    if entry is not None:
        model_label, page_pk, locale_pk, url_path = entry
        model = _model(model_label)
        page = model.objects.filter(pk=page_pk).first() if model is not None else None
        if page is not None and page.live and page.locale_id == locale_pk and page.url_path == url_path:
            return RouteResult(page)
    result = route(request, path_components)
    page = result.page
    if not result.args and not result.kwargs and not _routes_on_its_own(type(page)):
        # The page is loaded again on each hit (its content is what changes); only where it is is kept.
        cache.set(key, (version, (page._meta.label_lower, page.pk, page.locale_id, page.url_path)), seconds)
    return result


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


# --- view restrictions ---------------------------------------------------------------------------------------------


def _protected_paths() -> tuple[frozenset[str], frozenset[str]]:
    """(paths of pages with a view restriction, paths of alias pages), from the cache."""
    version, found = _read(_PROTECTED_KEY)
    if found is None:
        restricted = frozenset(
            PageViewRestriction.objects.values_list("page__path", flat=True).distinct().order_by()
        )
        aliases = frozenset(
            Page.objects.filter(alias_of__isnull=False).values_list("path", flat=True).order_by()
        )
        found = (restricted, aliases)
        cache.set(_PROTECTED_KEY, (version, found), _seconds())
    return found


class CachedViewRestrictionsMixin:
    """For Page classes: `get_view_restrictions()` answers "none" without a query when neither the page nor an
    ancestor carries a view restriction or is an alias (from one cached map); otherwise it is Wagtail's own."""

    def get_view_restrictions(self):
        if _seconds() > 0 and not getattr(self, "alias_of_id", None) and getattr(self, "path", None):
            restricted, aliases = _protected_paths()
            path = self.path
            step = Page.steplen
            prefixes = {path[:n] for n in range(step, len(path) + 1, step)}
            if prefixes.isdisjoint(restricted) and prefixes.isdisjoint(aliases):
                return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


# --- invalidation ------------------------------------------------------------------------------------------------


def _changes_routing(instance, created: bool) -> bool:
    # An existing page's save (an edit, a publish, an unpublish) changes nothing a hit does not check; a new page
    # may be an alias, which the restriction map lists.
    return created or not isinstance(instance, Page)


def connect_signals() -> None:
    ROUTING.retire_on_change(
        (Page, Site, Locale, PageViewRestriction), when=_changes_routing, uid="xact.core.routing"
    )
    post_page_move.connect(invalidate, dispatch_uid="xact.core.routing.moved")
