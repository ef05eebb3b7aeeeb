"""The Redis cache, made optional: while Redis cannot be reached, pages are built without it instead of a 500.

Django's RedisCache raises redis' ConnectionError or TimeoutError from every call when Redis is down, and every
page that reads the cache (home page, catalogue, search, login) answered 500. `FaultTolerantRedisCache` is that
backend with each call wrapped: an unreachable Redis is logged once and then behaves as an empty cache that keeps
nothing — a read is a miss (the caller computes the value), a write or delete is skipped, `add` answers False. For
`RETRY_AFTER_S` seconds (an OPTIONS key, default 5) after a failure the process does not try again, so a dead Redis
costs one connection timeout per thread and period, not one per call; the pool's socket timeouts (OPTIONS
`socket_connect_timeout`, `socket_timeout`; settings/base.py) bound that one.

We chose a subclass of Django's own backend over django-redis' IGNORE_EXCEPTIONS: no new dependency, and Django's
RedisCache is what the portal already runs.

`incr`/`decr` raise ValueError, Django's "no such key" (a count has no stand-in value; callers already handle a
missing key — the catalogue's invalidation then sets a new version, which is skipped). Counters that must hold
(login throttling, rate limits) do not use this cache: portal/core/counters.py counts in the database while Redis
is away.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What an unreachable (stopped, restarting, cut off, too slow) Redis raises.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


class FaultTolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after_s = float(options.pop("RETRY_AFTER_S", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self.down_until = 0.0

    # -- the outage

    def _usable(self) -> bool:
        return time.monotonic() >= self.down_until

    def _went_away(self, exc: Exception) -> None:
        if self._usable():
            logger.warning(
                "Redis cache unreachable (%s): serving without the cache, trying again in %.0f s",
                exc,
                self.retry_after_s,
            )
        self.down_until = time.monotonic() + self.retry_after_s

    def _call(self, method, fallback, *args, **kwargs):
        if not self._usable():
            return fallback
        try:
            return method(*args, **kwargs)
        except UNAVAILABLE as exc:
            self._went_away(exc)
            return fallback

    # -- reads miss

    def get(self, key, default=None, version=None):
        return self._call(super().get, default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    # -- writes are skipped

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, False, key, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, None, keys, version)

    # -- counts: as if the key were missing

    def incr(self, key, delta=1, version=None):
        if not self._usable():
            raise ValueError(f"Key '{key}' not found (the Redis cache is unreachable).")
        try:
            return super().incr(key, delta, version)
        except UNAVAILABLE as exc:
            self._went_away(exc)
            raise ValueError(f"Key '{key}' not found (the Redis cache is unreachable).") from exc

    def clear(self):
        return self._call(super().clear, False)
