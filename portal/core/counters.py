"""Counts in a time window — failed logins, rate limits — that hold across processes and survive Redis going away.

A window starts at a key's first hit and lasts `window_s` seconds; a hit after it starts a new one. Where counts
live (settings.COUNTERS_CACHE):

- the name of a cache alias (settings/base.py sets "counters", plain Redis, when REDIS_URL is set): counted there;
  if that cache cannot be reached, counted in the database instead (the `RateCounter` table) — never "allow all",
  never an error;
- empty (no Redis: development, tests, one machine): counted in the database.

While Redis is away the counts start again from zero in the database, and when it is back they continue from what
Redis held: an outage can at most double what one window allows, never lift the limit.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction

from .cache import UNAVAILABLE
from .models import RateCounter

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Window:
    count: int
    started: float  # epoch seconds; 0.0 when nothing was counted

    def ends(self, window_s: int) -> float:
        return self.started + window_s


def hit(key: str, window_s: int) -> Window:
    """Count one more for `key`; the window after counting it."""
    cache = _cache()
    if cache is not None:
        try:
            return _cache_hit(cache, key, window_s, time.time())
        except UNAVAILABLE as exc:
            _fell_back(exc)
    return _db_hit(key, window_s, time.time())


def peek(key: str, window_s: int) -> Window:
    """The window in force for `key`, without counting (count 0 when there is none)."""
    cache = _cache()
    if cache is not None:
        try:
            return _cache_peek(cache, key, window_s, time.time())
        except UNAVAILABLE as exc:
            _fell_back(exc)
    return _db_peek(key, window_s, time.time())


def give_back(key: str) -> None:
    """Take one back from `key`'s count in its current window (a reserved slot that was not used); never below 0."""
    cache = _cache()
    if cache is not None:
        try:
            if cache.get(f"{key}:n"):
                cache.decr(f"{key}:n")
            return
        except ValueError:  # gone with its window
            return
        except UNAVAILABLE as exc:
            _fell_back(exc)
    with transaction.atomic():
        row = (
            RateCounter.objects.select_for_update()
            .filter(key=key, expires__gt=time.time(), count__gt=0)
            .first()
        )
        if row is not None:
            row.count -= 1
            row.save(update_fields=["count"])


def clear(key: str) -> None:
    """Forget `key`'s count (in both places: it may have been counted in the database during an outage)."""
    cache = _cache()
    if cache is not None:
        try:
            cache.delete_many([f"{key}:n", f"{key}:t"])
        except UNAVAILABLE as exc:
            _fell_back(exc)
    RateCounter.objects.filter(key=key).delete()


def _cache():
    alias = getattr(settings, "COUNTERS_CACHE", "")
    return caches[alias] if alias else None


def _fell_back(exc: Exception) -> None:
    logger.warning("counter cache unreachable (%s): counting in the database", exc)


# -- in the cache: the count and the window's start, both expiring with the window


def _cache_hit(cache, key: str, window_s: int, now: float) -> Window:
    count_key, start_key = f"{key}:n", f"{key}:t"
    cache.add(start_key, now, window_s)
    cache.add(count_key, 0, window_s)
    try:
        count = cache.incr(count_key)
    except ValueError:  # expired between add and incr
        count = None
    started = cache.get(start_key)
    if count is None or started is None or now >= started + window_s:
        cache.set_many({count_key: 1, start_key: now}, window_s)
        return Window(1, now)
    return Window(count, float(started))


def _cache_peek(cache, key: str, window_s: int, now: float) -> Window:
    values = cache.get_many([f"{key}:n", f"{key}:t"])
    count, started = values.get(f"{key}:n"), values.get(f"{key}:t")
    if not count or started is None or now >= started + window_s:
        return Window(0, 0.0)
    return Window(int(count), float(started))


# -- in the database: one row per key, locked while it is counted


def _db_hit(key: str, window_s: int, now: float) -> Window:
    with transaction.atomic():
        row = RateCounter.objects.select_for_update().filter(key=key).first()
        if row is None:
            # Old windows nobody will count again (rate-limit keys carry their period's number).
            RateCounter.objects.filter(expires__lt=now).delete()
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, count=1, started=now, expires=now + window_s)
                return Window(1, now)
            except IntegrityError:  # another request created it first
                row = RateCounter.objects.select_for_update().get(key=key)
        if now >= row.expires:
            row.count, row.started = 0, now
        row.count += 1
        row.expires = row.started + window_s
        row.save()
        return Window(row.count, row.started)


def _db_peek(key: str, window_s: int, now: float) -> Window:
    row = RateCounter.objects.filter(key=key, expires__gt=now).first()
    if row is None:
        return Window(0, 0.0)
    return Window(row.count, row.started)
