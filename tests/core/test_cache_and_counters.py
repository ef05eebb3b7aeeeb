"""The cache tolerates an unreachable Redis; counters fall back to the database and keep their windows."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import caches
from django.test import override_settings

from portal.core import counters
from portal.core.cache import FaultTolerantRedisCache
from portal.core.models import RateCounter

CLOSED = (
    "redis://127.0.0.1:6397/0"  # nothing listens there (tests/ops/test_fault_redis.py uses 6391 and 6399)
)
TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


def test_an_unreachable_redis_is_an_empty_cache_that_keeps_nothing(caplog):
    cache = FaultTolerantRedisCache(CLOSED, {"OPTIONS": {**TIMEOUTS, "RETRY_AFTER_S": 60}})
    with caplog.at_level(logging.WARNING, logger="portal.core.cache"):
        assert cache.get("k", "default") == "default"
        assert cache.set("k", 1) is None and cache.add("k", 1) is False
        assert cache.get_or_set("k", lambda: "computed") == "computed"
        assert cache.get_many(["a", "b"]) == {} and cache.has_key("k") is False
        assert cache.delete("k") is False and cache.set_many({"a": 1}) == ["a"] and cache.touch("k") is False
        with pytest.raises(ValueError):  # Django's "no such key": callers already handle it
            cache.incr("k")
        with pytest.raises(ValueError):
            cache.decr("k")
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == ["Redis cache unreachable"]  # once


@pytest.mark.django_db
def test_database_counters_keep_a_window_from_the_first_hit(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(counters.time, "time", lambda: now[0])
    assert counters.peek("k", 60) == counters.Window(0, 0.0)
    assert [counters.hit("k", 60).count for _ in range(3)] == [1, 2, 3]
    counters.give_back("k")
    now[0] += 59
    assert counters.peek("k", 60) == counters.Window(2, 1_000_000.0)
    now[0] += 1
    assert counters.peek("k", 60).count == 0  # the window has ended
    assert counters.hit("k", 60) == counters.Window(1, 1_000_060.0)  # a new one starts
    counters.clear("k")
    assert not RateCounter.objects.filter(key="k").exists()


@pytest.mark.django_db
@override_settings(
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "counters": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED,
            "OPTIONS": TIMEOUTS,
        },
    },
    COUNTERS_CACHE="counters",
)
def test_counters_fall_back_to_the_database_when_redis_is_unreachable():
    with pytest.raises(Exception):  # noqa: B017 - the plain backend does raise
        caches["counters"].get("x")
    assert [counters.hit("login", 600).count for _ in range(3)] == [1, 2, 3]
    assert counters.peek("login", 600).count == 3
    assert RateCounter.objects.get(key="login").count == 3
    counters.clear("login")
    assert counters.peek("login", 600).count == 0
