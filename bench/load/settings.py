"""Settings for the load benchmark: the production stack (DEBUG off, real password hashing, a shared cache) on a
PostgreSQL database of its own, so nothing here touches var/db.sqlite3 or another engineer's database.

    LOAD_DATABASE_URL   default postgres://postgres@127.0.0.1:5432/xact_load
    REDIS_URL           the shared cache (bench/load/run.py starts a private redis-server); without it each
                        process has its own memory cache
    BENCH_DIR           files (private uploads, search index), default /tmp/xact-bench-load
    LOAD_FAST_PASSWORDS set (CI test only): MD5 password hashing instead of PBKDF2
"""

import os
from pathlib import Path

import dj_database_url

BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/xact-bench-load"))
os.environ.setdefault("XACT_VAR_DIR", str(BENCH_DIR))

from portal.settings.base import *  # noqa: E402,F403
from portal.settings.base import STORAGES  # noqa: E402

DEBUG = False
SECRET_KEY = "bench-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/xact_load"),
        # Persistent connections, as a production deployment would configure (DB_CONN_MAX_AGE).
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,  # as base settings
    )
}
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
MEDIA_ROOT = BENCH_DIR / "media"
PRIVATE_MEDIA_ROOT = BENCH_DIR / "private"
STORAGES = {
    **STORAGES,
    "default": {"BACKEND": STORAGES["default"]["BACKEND"], "OPTIONS": {"location": str(MEDIA_ROOT)}},
    "private": {
        "BACKEND": STORAGES["private"]["BACKEND"],
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
}
SEARCH_INDEX_DIR = BENCH_DIR / "search-index"
# Notifications are written in-app as usual; e-mail would only measure the mail server.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
if os.environ.get("LOAD_FAST_PASSWORDS"):
    # The CI test's short run: its few logins should not each cost a PBKDF2 hash on a shared machine.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Many simulated users share one client address (127.0.0.1) and each startup applies far more often than a person
# would: the rate limits (per IP for sign-up and search, per user for applications) would answer 429 and measure
# nothing else, so the benchmark raises them. The per-IP login throttle counts only failures, which the benchmark
# does not make, so it stays as configured.
RATE_LIMIT_SIGNUP = RATE_LIMIT_APPLICATION = RATE_LIMIT_SEARCH = "100000/m"
