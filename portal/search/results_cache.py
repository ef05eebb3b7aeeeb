"""The site search page's results (type and theme facets, the page of highlighted results, pagination), rendered
once per language, query, type, theme and page number, and kept in the shared cache under the index's generation.

The generation is a token in the cache, replaced (:func:`bump`) by everything that can change what a search shows:

- every write of a search index (both backends' index writes and rebuilds, the task worker's retries), so a
  published, edited, moved or deleted document is seen as soon as its index rows are;
- every save or deletion of an indexed model (a page's live flag, title or path; a ParentalManyToMany's rows are
  written in the page's transaction, and the bump is repeated when that transaction commits);
- view restrictions (``public()``), sites (the results' URLs), locales, and the models a facet is named after
  (a theme's name).

Each bump is made at once and again when the transaction commits, so a search made meanwhile by another request
(which still sees the old rows) cannot store its results under the new token. A cached entry carries the token it
was rendered under; both are read in one round trip. ``SEARCH_CACHE_SECONDS`` (0 = off) bounds an entry's life.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from portal.core.generations import Generation


def cache_seconds() -> int:
    return int(getattr(settings, "SEARCH_CACHE_SECONDS", 0))


# The index's generation every result is kept under (portal/core/generations.py).
SEARCH = Generation("xact:search:generation", enabled=lambda: cache_seconds() > 0)


def bump(*args, **kwargs) -> None:
    """Retire every cached result now, and again when the current transaction (if any) commits."""
    SEARCH.retire()


def entry_key(*parts) -> str:
    digest = hashlib.sha256(repr((translation.get_language(), *parts)).encode()).hexdigest()[:32]
    return f"xact:search:results:{digest}"


def lookup(key: str) -> tuple[str | None, str]:
    """(the cached HTML or None, the current generation token) in one round trip."""
    token, found = SEARCH.read(key)
    entry = found.get(key)
    if entry is not None and entry.get("generation") == token:
        return entry["html"], token
    return None, token


def store(key: str, token: str, html: str) -> None:
    cache.set(key, {"generation": token, "html": html}, cache_seconds())


def connect(models) -> None:
    """Bump on saves and deletions of these models (the indexed ones and what the page names or filters by)."""
    SEARCH.retire_on_change(models, uid="portal.search.results_cache")
