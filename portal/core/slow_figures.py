"""Figures that are slow to count and may be a little late: kept in the shared cache, re-counted by one request.

`remembered(key, seconds, compute)` returns the copy counted less than `seconds` ago. When the copy is older, the
first request to notice takes a lock (`cache.add`) and counts again while every other request keeps getting the
older copy, so a busy public page never has many requests counting the same slow figures at once (no stampede).
Only when there is no copy at all does a request wait for the count. `seconds=0` turns it off (each call counts).

Keep language-independent values only (numbers, dates, keys); labels are put on in the request's language.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")

# A stale copy is served for at most this many times `seconds` while a recount is under way (or has failed).
STALE_FACTOR = 10
LOCK_SECONDS = 120


def remembered(key: str, seconds: int, compute: Callable[[], T]) -> T:
    if seconds <= 0:
        return compute()
    entry = cache.get(key)
    now = time.time()
    if entry is not None and now < entry["fresh_until"]:
        return entry["value"]
    lock = f"{key}:recount"
    locked = cache.add(lock, 1, LOCK_SECONDS)
    if entry is not None and not locked:
        return entry["value"]  # another request is counting: the older copy meanwhile
    try:
        value = compute()
        cache.set(key, {"value": value, "fresh_until": time.time() + seconds}, seconds * STALE_FACTOR)
    finally:
        if locked:
            cache.delete(lock)
    return value
