"""Building the catalogue from a base queryset: filters, facet counts, sort and one page of results.

The number of queries is fixed whatever the page size: one count, one page, one prefetch of themes,
and one grouped count per facet. Facet counts are the expensive part over thousands of challenges, so they are
cached per filter combination and language for a minute; publishing, unpublishing, deleting a challenge or
recording an outcome bumps a version that makes every cached count stale at once (signals.py). Only a status
that changes by the clock (a window opening or closing) can be up to a minute late in the counts.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from portal.accounts.models import Organisation
from portal.core.models import Theme
from portal.geo.models import Prefecture

from .filters import ChallengeFilter
from .status import ChallengeStatus, status_q

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
FACETS = ("theme", "prefecture", "municipality", "status")
PAGE_CSRF_SENTINEL = "__xact_catalogue_csrf_token__"
# Paths the catalogue was served at in this process; the page-cache middleware only looks these up.
CATALOGUE_PATHS: set[str] = set()
MUNICIPALITY_FACET_SIZE = 30
FRAGMENT_TEMPLATE = "challenges/includes/catalogue.html"
VERSION_KEY = "challenges:catalogue:version"
# Parameters that do not change the counts.
_NOT_FACET_RELEVANT = {"page", "per_page", "sort"}


def cache_seconds() -> int:
    """How long facet counts and rendered catalogue pages are kept (settings.CHALLENGES_CACHE_SECONDS; 0 = off)."""
    return int(getattr(settings, "CHALLENGES_CACHE_SECONDS", 60))


def catalogue_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY, 1)
    return version


def invalidate_catalogue() -> None:
    """Make every cached facet count stale (called when a challenge is published, unpublished, changed outcome)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def _facet_cache_key(data, base_key: str) -> str:
    items = sorted((k, v) for k in data if k not in _NOT_FACET_RELEVANT for v in data.getlist(k))
    digest = hashlib.sha256(repr((base_key, items)).encode()).hexdigest()[:32]
    return f"challenges:facets:{catalogue_version()}:{translation.get_language()}:{digest}"


def cached_facet_counts(data, queryset, *, base_key: str) -> dict[str, list[dict]]:
    key = _facet_cache_key(data, base_key)
    counts = cache.get(key) if cache_seconds() > 0 else None
    if counts is None:
        counts = facet_counts(data, queryset)
        if cache_seconds() > 0:
            cache.set(key, counts, cache_seconds())
    return counts


def optimise(queryset):
    """What a list row shows: the municipality, its prefecture and the themes, without a query per row."""
    return queryset.select_related(
        "municipality", "municipality__local_government__prefecture"
    ).prefetch_related("themes")


def filtered(data, queryset, *, without: str | None = None):
    """The base queryset filtered by `data` (a QueryDict), optionally ignoring one facet (for its counts)."""
    if without is not None:
        data = data.copy()
        data.pop(without, None)
    return ChallengeFilter(data, queryset=queryset)


def _page_size(data) -> int:
    try:
        size = int(data.get("per_page", PAGE_SIZE))
    except (TypeError, ValueError):
        return PAGE_SIZE
    return max(1, min(size, MAX_PAGE_SIZE))


def facet_counts(data, queryset) -> dict[str, list[dict]]:
    """For each facet, its values with the number of challenges each would give, other filters applied."""
    counts: dict[str, list[dict]] = {}

    def base(facet):
        return filtered(data, queryset, without=facet).qs.order_by()

    through = queryset.model.themes.through
    theme_rows = dict(
        through.objects.filter(challengepage__in=base("theme").values("pk"))
        .values_list("theme")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts["theme"] = [
        {"value": t.slug, "label": str(t), "count": theme_rows.get(t.pk, 0)} for t in Theme.objects.all()
    ]

    pref_rows = dict(
        base("prefecture")
        .values_list("municipality__local_government__prefecture")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts["prefecture"] = [
        {"value": p.code, "label": str(p), "count": pref_rows[p.code]}
        for p in Prefecture.objects.filter(code__in=[c for c in pref_rows if c])
    ]

    # Up to MUNICIPALITY_FACET_SIZE municipalities with the most challenges (1,700+ would drown the page).
    muni_rows = dict(
        base("municipality")
        .values_list("municipality")
        .annotate(n=Count("pk"))
        .order_by("-n", "municipality")[:MUNICIPALITY_FACET_SIZE]
    )
    counts["municipality"] = sorted(
        (
            {"value": o.slug, "label": str(o), "count": muni_rows[o.pk]}
            for o in Organisation.objects.filter(pk__in=list(muni_rows))
        ),
        key=lambda item: (-item["count"], item["label"]),
    )

    status_totals = base("status").aggregate(
        **{s.value: Count("pk", filter=status_q(s.value)) for s in ChallengeStatus}
    )
    counts["status"] = [
        {"value": s.value, "label": s.label, "count": status_totals[s.value]} for s in ChallengeStatus
    ]
    return counts


def build(request, queryset, *, base_key: str = "") -> dict:
    """Template context for the catalogue page. `base_key` names the base queryset for the facet cache."""
    data = request.GET
    challenge_filter = filtered(data, queryset)
    if not challenge_filter.is_valid():
        # Bad values (an unknown theme, a negative budget) show as form errors over an empty list, never a 500.
        results = queryset.none()
    else:
        results = challenge_filter.qs
    paginator = Paginator(optimise(results), _page_size(data))
    try:
        page = paginator.page(data.get("page", 1))
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    query = data.copy()
    query.pop("page", None)
    return {
        "filter": challenge_filter,
        "challenges": page,
        "paginator": paginator,
        "facets": (
            cached_facet_counts(data, queryset, base_key=base_key)
            if challenge_filter.is_valid()
            else {f: [] for f in FACETS}
        ),
        "querystring": query.urlencode(),
        "active_filters": {k: v for k, v in data.items() if k in FACETS and v},
        "filter_count": active_filter_count(data),
    }


def active_filter_count(data) -> int:
    """How many filters narrow the list (keyword, facets, budget, deadline): the number on the phone's filter
    button. Sorting and paging narrow nothing."""
    names = set(ChallengeFilter.base_filters) - _NOT_FACET_RELEVANT
    return sum(1 for name in names if any(v.strip() for v in data.getlist(name)))


def render(request, queryset, *, page, base_key: str = "") -> str:
    """The catalogue's HTML (filters, facets, results, pagination), cached per query and language for a minute.

    The cache key carries the catalogue version, so publishing or unpublishing a challenge shows at once.
    Invalid filters and previews are never cached.
    """
    items = sorted((k, v) for k in request.GET for v in request.GET.getlist(k))
    digest = hashlib.sha256(repr((base_key, items)).encode()).hexdigest()[:32]
    key = f"challenges:html:{catalogue_version()}:{translation.get_language()}:{digest}"
    cacheable = cache_seconds() > 0 and not getattr(request, "is_preview", False)
    html = cache.get(key) if cacheable else None
    request._challenges_filter_valid = True  # only valid filter combinations are ever cached
    if html is None:
        context = build(request, queryset, base_key=base_key)
        context["page"] = page
        html = render_to_string(FRAGMENT_TEMPLATE, context, request=request)
        request._challenges_filter_valid = context["filter"].is_valid()
        if cacheable and context["filter"].is_valid():
            cache.set(key, html, cache_seconds())
    return mark_safe(html)  # rendered by our own template, escaped there  # noqa: S308


def page_cache_key(request) -> str | None:
    """Key of a whole catalogue page for an anonymous visitor, or None when this request must not use it.

    Only GETs without a session or pending messages qualify: their page differs from another anonymous visitor's
    in the CSRF token of the shell's language form alone, which is punched in per request (PAGE_CSRF_SENTINEL).
    The entry holds the catalogue version it was rendered at; one round trip fetches both it and the version.
    """
    if request.method != "GET" or cache_seconds() <= 0 or getattr(request, "is_preview", False):
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return None
    items = sorted((k, v) for k in request.GET for v in request.GET.getlist(k))
    digest = hashlib.sha256(repr((request.get_host(), request.path, items)).encode()).hexdigest()[:32]
    return f"challenges:page:{translation.get_language()}:{digest}"


def cached_page(request) -> str | None:
    key = page_cache_key(request) if request.path in CATALOGUE_PATHS else None
    if key is None:
        return None
    found = cache.get_many([VERSION_KEY, key])
    entry = found.get(key)
    if entry is None or entry[0] != found.get(VERSION_KEY):
        return None
    return entry[1]


def store_page(request, html: str) -> None:
    key = page_cache_key(request)
    if key:
        cache.set(key, (catalogue_version(), html), cache_seconds())
        CATALOGUE_PATHS.add(request.path)
