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
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import translation

GENERATION_KEY = "xact:search:generation"


def cache_seconds() -> int:
    return int(getattr(settings, "SEARCH_CACHE_SECONDS", 0))


def _replace() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def bump() -> None:
    """Retire every cached result now, and again when the current transaction (if any) commits."""
    if not cache_seconds():
        return
    _replace()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_replace)


def entry_key(*parts) -> str:
    digest = hashlib.sha256(repr((translation.get_language(), *parts)).encode()).hexdigest()[:32]
    return f"xact:search:results:{digest}"


def lookup(key: str) -> tuple[str | None, str]:
    """(the cached HTML or None, the current generation token) in one round trip."""
    found = cache.get_many([GENERATION_KEY, key])
    token = found.get(GENERATION_KEY)
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(GENERATION_KEY, token, None):
            token = cache.get(GENERATION_KEY) or token
        return None, token
    entry = found.get(key)
    if entry is not None and entry.get("generation") == token:
        return entry["html"], token
    return None, token


def store(key: str, token: str, html: str) -> None:
    cache.set(key, {"generation": token, "html": html}, cache_seconds())


def _on_change(sender, raw=False, **kwargs):
    if not raw:
        bump()


def connect(models) -> None:
    """Bump on saves and deletions of these models (the indexed ones and what the page names or filters by)."""
    for model in models:
        uid = f"portal.search.results_cache.{model._meta.label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid)
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid)
