"""Building the catalogue from a base queryset: filters, facet counts, sort and one page of results.

Filters and facet counts are computed on the catalogue's facet index (facet_index.py: a few NumPy columns of every
live challenge, kept in the shared cache and patched when a challenge changes), never by scanning the challenge
table. The page of 20 results is made of result cards cached per challenge version (`cards`): only the cards not
cached are read (one query and one prefetch of themes) and rendered. The facets' hundred-odd links are built in
Python (`facets_html`). The number of queries is fixed whatever the page size and catalogue size.

Caches (`CHALLENGES_CACHE_SECONDS`, 0 = off):
- the rendered catalogue fragment per query string and language, and whole pages for anonymous visitors
  (middleware.py), each entry stored with the *tokens of what it depends on*: a page filtered by fewer than two
  facets depends on every change ("all"); a page filtered by two or more facets depends only on its facet values
  (`theme:tourism`, `prefecture:01`, …) — a challenge that matches none of them fails at least two of the page's
  filters, so it appears neither in the results nor in any of the page's facet counts. A publish, unpublish,
  delete or outcome renews the tokens of "all" and of the facet values the challenge had before and has after
  (`record_change`); unrelated filter combinations keep their entries.
- an entry that is stale (a token changed, or older than CHALLENGES_CACHE_SECONDS) is re-rendered by one request
  at a time: the first takes a short lock (`cache.add`), the others are served the stale copy meanwhile.
- the anonymous page around its catalogue (`store_shell`), so that re-rendering a stale page renders the catalogue
  alone (middleware.py), for CHALLENGES_CACHE_SECONDS after the page's whole render.
"""

from __future__ import annotations

import hashlib
import time
from html import escape as html_escape
from urllib.parse import quote_plus, urlencode

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from portal.core import generations

from . import facet_index
from .filters import ChallengeFilter, keyword_pks
from .status import ChallengeStatus

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
FACETS = ("theme", "prefecture", "municipality", "status")
PAGE_CSRF_SENTINEL = "__xact_catalogue_csrf_token__"
# Paths the catalogue was served at in this process; the page-cache middleware only looks these up.
CATALOGUE_PATHS: set[str] = set()
MUNICIPALITY_FACET_SIZE = 30
FRAGMENT_TEMPLATE = "challenges/includes/catalogue.html"
CARD_TEMPLATE = "challenges/includes/challenge_card.html"
DEPENDENCY_PREFIX = "challenges:dep:"
EPOCH = DEPENDENCY_PREFIX + "epoch"  # renewed when a change's facet values are unknown: everything is stale
ALL = DEPENDENCY_PREFIX + "all"
LOCK_SECONDS = 30
SHELL_SUFFIX = ":shell"
# Entries outlive their freshness so that a stale copy is there to serve while one request re-renders it.
STALE_FACTOR = 10
# Parameters that do not change the counts.
_NOT_FACET_RELEVANT = {"page", "per_page", "sort"}


def cache_seconds() -> int:
    """How long rendered catalogue pages are fresh (settings.CHALLENGES_CACHE_SECONDS; 0 = off)."""
    return int(getattr(settings, "CHALLENGES_CACHE_SECONDS", 60))


def dependency_keys(data) -> list[str]:
    """The tokens a page for these query parameters depends on (see the module's docstring)."""
    chosen = [(name, data.get(name)) for name in FACETS if data.get(name)]
    if len(chosen) < 2:
        return [EPOCH, ALL]
    return [EPOCH, *(f"{DEPENDENCY_PREFIX}{name}:{value}" for name, value in chosen)]


def record_change(queryset, *, base_key: str, pks: list[int]) -> None:
    """Challenges `pks` were published, unpublished, deleted or given an outcome: patch the facet index and make
    stale exactly the cached pages that can show them."""
    values = facet_index.refresh(queryset, base_key=base_key, pks=pks)
    if values is None:
        keys = [EPOCH]
    else:
        keys = [ALL, *(f"{DEPENDENCY_PREFIX}{name}:{v}" for name, vs in values.items() for v in vs)]
    generations.renew_keys(keys)  # catalogue_changed calls this now and again on commit


def _lookup(key: str, deps: list[str]):
    """(entry, tokens, fresh): the cached entry (or None), the current tokens of its dependencies, and whether the
    entry is current. One round trip to the cache."""
    tokens, found = generations.read_tokens(deps, key)
    entry = found.get(key)
    fresh = entry is not None and entry["tokens"] == tokens and time.time() - entry["at"] < cache_seconds()
    return entry, tokens, fresh


def _store(key: str, tokens: dict, html: str) -> None:
    cache.set(key, {"tokens": tokens, "at": time.time(), "html": html}, cache_seconds() * STALE_FACTOR)


def lock_key(key: str) -> str:
    """The cache key of the lock held by the one request that re-renders entry `key`."""
    return f"{key}:lock"


def _claim(key: str) -> str | None:
    """The re-render lock of an entry, or None when another request holds it."""
    lock = lock_key(key)
    return lock if cache.add(lock, 1, LOCK_SECONDS) else None


def optimise(queryset):
    """What a list row shows: the municipality, its prefecture and the themes, without a query per row."""
    return queryset.select_related(
        "municipality", "municipality__local_government__prefecture"
    ).prefetch_related("themes")


def number_format(n: int) -> str:
    """A count as the template engine prints it ({{ n }}, localised)."""
    return formats.localize(n) if settings.USE_THOUSAND_SEPARATOR else str(n)


def _page_size(data) -> int:
    try:
        size = int(data.get("per_page", PAGE_SIZE))
    except (TypeError, ValueError):
        return PAGE_SIZE
    return max(1, min(size, MAX_PAGE_SIZE))


def facet_counts(index: facet_index.FacetIndex, masks: dict, now: float) -> dict[str, list[dict]]:
    """For each facet, its values with the number of challenges each would give, other filters applied."""
    counts = index.counts(masks, now)
    names = index.labels.get(translation.get_language()) or index.labels[settings.LANGUAGE_CODE]
    facets: dict[str, list[dict]] = {
        "theme": [
            {"value": slug, "label": label, "count": counts["theme"].get(pk, 0)}
            for pk, slug, label in names["theme"]
        ]
    }
    facets["prefecture"] = [
        {"value": code, "label": names["prefecture"].get(code, code), "count": n}
        for code, n in sorted(counts["prefecture"].items())
    ]
    # Up to MUNICIPALITY_FACET_SIZE municipalities with the most challenges (1,700+ would drown the page).
    top = sorted(counts["municipality"].items(), key=lambda kv: (-kv[1], kv[0]))[:MUNICIPALITY_FACET_SIZE]
    facets["municipality"] = sorted(
        (
            {"value": index.muni_slugs[pk], "label": names["municipality"].get(pk, ""), "count": n}
            for pk, n in top
            if pk in index.muni_slugs
        ),
        key=lambda item: (-item["count"], item["label"]),
    )
    facets["status"] = [
        {"value": s.value, "label": s.label, "count": counts["status"][s.value]} for s in ChallengeStatus
    ]
    return facets


def _link_facets(facets: dict, data) -> None:
    """Each facet value's query string (this query with the value chosen, back to page 1), and whether it is the
    chosen one. The same strings as `QueryDict.urlencode` of the changed query gives, with the other parameters
    encoded once per facet rather than once per value."""
    query = data.copy()
    query.pop("page", None)
    encoded = [(key, [urlencode({key: value}) for value in values]) for key, values in query.lists()]
    for name, values in facets.items():
        chosen = data.get(name, "")
        before, after, seen = [], [], False
        for key, pieces in encoded:
            if key == name:
                seen = True
            else:
                (after if seen else before).extend(pieces)
        head = "&".join(before) + "&" if before else ""
        head += quote_plus(name) + "="  # what urlencode({name: value}) gives, the name quoted once
        tail = "&" + "&".join(after) if after else ""
        for item in values:
            value = str(item["value"])
            item["query"] = f"{head}{quote_plus(value)}{tail}"
            item["current"] = value == chosen


FACET_TITLES = {
    "theme": _("Theme"),
    "status": _("Status"),
    "prefecture": _("Prefecture"),
    "municipality": _("Municipality"),
}


def facets_html(facets: dict) -> str:
    """The facets' links and counts (theme, status, prefecture, municipality): a hundred-odd links built here
    rather than through the template engine, which spent more on them than on everything else of the page.
    Escaped with the standard library's `html.escape`, which Django's `escape` wraps (the same text, without its
    lazy-string checks on each of the ~200 values)."""
    out = []
    localized = settings.USE_THOUSAND_SEPARATOR
    for name in ("theme", "status", "prefecture", "municipality"):
        values = facets.get(name)
        if not values:
            continue
        title = html_escape(str(FACET_TITLES[name]))
        out.append(f'<nav class="facet facet-{name}" aria-label="{title}">\n  <h2>{title}</h2>\n  <ul>\n')
        for item in values:
            label = html_escape(str(item["label"]))
            count = formats.localize(item["count"]) if localized else str(item["count"])
            if item["count"]:
                current = ' aria-current="true"' if item["current"] else ""
                link = f'<a href="?{html_escape(item["query"])}"{current}>{label}</a>'
            else:
                link = f'<span class="muted">{label}</span>'
            out.append(f'      <li>{link} <span class="count">({count})</span></li>\n')
        out.append("  </ul>\n</nav>\n")
    return mark_safe("".join(out))  # noqa: S308 (every value escaped above)


def filter_form_html(request, context) -> str:
    """The filter form, cached per query and language: it shows the chosen values and the choices (themes,
    prefectures), nothing of the catalogue's contents, so a publication leaves it as it is."""
    form_items = [(k, v) for k, v in _query_items(request) if k != "page"]
    key = f"challenges:form:{translation.get_language()}:{_digest(request.path, form_items)}"
    cacheable = cache_seconds() > 0 and context["filter"].is_valid()
    html = cache.get(key) if cacheable else None
    if html is None:
        html = render_to_string("challenges/includes/catalogue_form.html", context, request=request)
        if cacheable:
            cache.set(key, html, cache_seconds())
    return mark_safe(html)  # noqa: S308


def build(request, queryset, *, base_key: str = "") -> dict:
    """Template context for the catalogue page. `base_key` names the base queryset (its facet index)."""
    data = request.GET
    challenge_filter = ChallengeFilter(data, queryset=queryset)
    valid = challenge_filter.is_valid()
    index = facet_index.get(queryset, base_key=base_key)
    now = time.time()
    if valid:
        cleaned = challenge_filter.form.cleaned_data
        masks = index.masks(cleaned, keyword_pks(queryset.model, cleaned.get("q") or ""), now)
        ordered = index.ordered_rows(index.all_but(masks, None), cleaned.get("sort") or "newest")
        facets = facet_counts(index, masks, now)
        _link_facets(facets, data)
    else:
        # Bad values (an unknown theme, a negative budget) show as form errors over an empty list, never a 500.
        ordered = np.zeros(0, dtype=np.int64)
        facets = {f: [] for f in FACETS}
    paginator = Paginator(ordered, _page_size(data))
    try:
        page = paginator.page(data.get("page", 1))
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    page.object_list = cards(request, queryset, index, np.asarray(page.object_list, dtype=np.int64), now)
    query = data.copy()
    query.pop("page", None)
    return {
        "filter": challenge_filter,
        "challenges": page,
        "paginator": paginator,
        "facets": facets,
        "facets_html": facets_html(facets),
        "querystring": query.urlencode(),
        "active_filters": {k: v for k, v in data.items() if k in FACETS and v},
        "filter_count": active_filter_count(data),
    }


def _card_key(pk: int, version: tuple[int, str], generation: float) -> str:
    revision, status = version
    return f"challenges:card:{translation.get_language()}:{pk}:{revision}:{status}:{generation:.6f}"


class Card(SafeString):
    """One result card: its HTML (what `{{ card }}` prints, escaped by our template), with its challenge's pk and
    title."""

    pk: int
    title: str

    def __new__(cls, html: str, *, pk: int, title: str):
        card = super().__new__(cls, html)
        card.pk, card.title = pk, title
        return card

    def __reduce__(self):
        return (_card, (self[:], self.pk, self.title))


def _card(html: str, pk: int, title: str) -> Card:
    return Card(html, pk=pk, title=title)


def cards(request, queryset, index: facet_index.FacetIndex, rows: np.ndarray, now: float) -> list[Card]:
    """The result cards (HTML) of the challenges in these rows of the index, in that order.

    Each card is cached per language under what it shows changes with: the challenge's live revision and status
    (from the facet index) and the index's generation (a full build, at most INDEX_MAX_AGE old, re-reads the names
    of themes and municipalities the card shows too). Only cards not cached are read from the database (one query
    and one prefetch of themes) and rendered, so a publish re-renders one card, not twenty.
    """
    if not len(rows):
        return []
    pks = index.pk[rows].tolist()
    cacheable = cache_seconds() > 0 and not getattr(request, "is_preview", False)
    found: dict[int, Card] = {}
    keys: dict[int, str] = {}
    if cacheable:
        versions = index.versions(rows, now)
        keys = {pk: _card_key(pk, versions[pk], index.built_at) for pk in pks if pk in versions}
        found = {pk: _CARDS[key] for pk, key in keys.items() if key in _CARDS}
        if len(found) < len(keys):
            cached = cache.get_many([key for pk, key in keys.items() if pk not in found])
            shared = {pk: cached[key] for pk, key in keys.items() if key in cached}
            found.update(shared)
            _remember_cards({keys[pk]: card for pk, card in shared.items()})
    missing = [pk for pk in pks if pk not in found]
    if missing:
        fresh = {}
        for challenge in optimise(queryset.filter(pk__in=missing).order_by()):
            html = render_to_string(CARD_TEMPLATE, {"challenge": challenge}, request=request)
            fresh[challenge.pk] = Card(html, pk=challenge.pk, title=challenge.title)
        found.update(fresh)
        stored = {keys[pk]: html for pk, html in fresh.items() if pk in keys}
        if stored:
            cache.set_many(stored, cache_seconds() * STALE_FACTOR)
            _remember_cards(stored)
    return [found[pk] for pk in pks if pk in found]


# Cards this process has used, by their cache key: a key names one version of one card (see `cards`), so a kept
# card is never out of date; a page whose cards are all here needs no round trip to the cache for them.
_CARDS: dict[str, Card] = {}
MAX_KEPT_CARDS = 5000


def _remember_cards(cards: dict[str, Card]) -> None:
    if len(_CARDS) + len(cards) > MAX_KEPT_CARDS:
        _CARDS.clear()  # old versions are never asked for again; start over rather than track their use
    _CARDS.update(cards)


def active_filter_count(data) -> int:
    """How many filters narrow the list (keyword, facets, budget, deadline): the number on the phone's filter
    button. Sorting and paging narrow nothing."""
    names = set(ChallengeFilter.base_filters) - _NOT_FACET_RELEVANT
    return sum(1 for name in names if any(v.strip() for v in data.getlist(name)))


def _digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _query_items(request) -> list:
    return sorted((k, v) for k in request.GET for v in request.GET.getlist(k))


def render(request, queryset, *, page, base_key: str = "") -> str:
    """The catalogue's HTML (filters, facets, results, pagination), cached per query and language.

    Invalid filters and previews are never cached. A stale entry is re-rendered by one request at a time; the
    others get the stale copy meanwhile.
    """
    key = f"challenges:html:{translation.get_language()}:{_digest(base_key, _query_items(request))}"
    cacheable = cache_seconds() > 0 and not getattr(request, "is_preview", False)
    request._challenges_filter_valid = True  # only valid filter combinations are ever cached
    lock = None
    if cacheable:
        entry, tokens, fresh = _lookup(key, dependency_keys(request.GET))
        if fresh:
            return mark_safe(entry["html"])  # rendered by our own template, escaped there  # noqa: S308
        lock = _claim(key)
        if lock is None and entry is not None:
            return mark_safe(entry["html"])  # noqa: S308
    try:
        context = build(request, queryset, base_key=base_key)
        context["page"] = page
        context["form_html"] = filter_form_html(request, context)
        html = render_to_string(FRAGMENT_TEMPLATE, context, request=request)
        request._challenges_filter_valid = context["filter"].is_valid()
        if cacheable and context["filter"].is_valid():
            _store(key, tokens, html)
    finally:
        if lock is not None:
            cache.delete(lock)
    return mark_safe(html)  # noqa: S308


def page_cache_key(request) -> str | None:
    """Key of a whole catalogue page for an anonymous visitor, or None when this request must not use it.

    Only GETs without a session or pending messages qualify: their page differs from another anonymous visitor's
    in the CSRF token of the shell's language form alone, which is punched in per request (PAGE_CSRF_SENTINEL).
    """
    if request.method != "GET" or cache_seconds() <= 0 or getattr(request, "is_preview", False):
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return None
    digest = _digest(request.get_host(), request.path, _query_items(request))
    return f"challenges:page:{translation.get_language()}:{digest}"


def cached_page(request) -> str | None:
    """The anonymous visitor's whole page when a current copy is cached — or a stale copy while another request
    re-renders it. Otherwise None, and this request holds the re-render lock (released by `release`)."""
    key = page_cache_key(request) if request.path in CATALOGUE_PATHS else None
    if key is None:
        return None
    deps = dependency_keys(request.GET)
    entry, tokens, fresh = _lookup(key, deps)
    if fresh:
        return entry["html"]
    lock = _claim(key)
    if lock is None and entry is not None:
        return entry["html"]
    request._challenges_page_lock = lock
    request._challenges_page_tokens = tokens
    return None


def release(request) -> None:
    lock = getattr(request, "_challenges_page_lock", None)
    if lock is not None:
        cache.delete(lock)


def store_shell(request, html: str, fragment: str, *, page: int, revision: int | None) -> None:
    """Keep the anonymous page around its catalogue fragment (header, navigation, the page's title and
    introduction, footer) for CHALLENGES_CACHE_SECONDS, so that re-rendering the page after a publication
    re-renders the catalogue alone (`shell_for_refresh`)."""
    key = page_cache_key(request)
    head, found, tail = html.partition(fragment) if fragment else ("", "", "")
    if key is None or not found or fragment in tail:
        return
    shell = {"page": page, "revision": revision, "head": head, "tail": tail, "at": time.time()}
    cache.set(key + SHELL_SUFFIX, shell, cache_seconds())


def shell_for_refresh(request) -> dict | None:
    """The kept shell of the stale page this request re-renders (it holds the page's re-render lock), while it
    is younger than CHALLENGES_CACHE_SECONDS — the longest a whole page is served without being rendered — else
    None (then the page is rendered whole)."""
    if getattr(request, "_challenges_page_lock", None) is None:
        return None
    key = page_cache_key(request)
    shell = cache.get(key + SHELL_SUFFIX) if key else None
    if shell is None or not 0 <= time.time() - shell["at"] < cache_seconds():
        return None
    return shell


def store_page(request, html: str) -> None:
    key = page_cache_key(request)
    if key:
        tokens = getattr(request, "_challenges_page_tokens", None)
        if tokens is None:  # not looked up by the middleware yet (the first request of this process)
            _, tokens, _ = _lookup(key, dependency_keys(request.GET))
        _store(key, tokens, html)
        CATALOGUE_PATHS.add(request.path)
