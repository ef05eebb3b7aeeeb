"""Settings for the load benchmark: the production stack (DEBUG off, real password hashing, a shared cache) on a
PostgreSQL database of its own, so nothing here touches var/db.sqlite3 or another engineer's database.

    LOAD_DATABASE_URL   default postgres://postgres@127.0.0.1:5432/xact_load
    REDIS_URL           the shared cache and counters (bench/load/run.py starts a private redis-server); without
                        it each process has its own memory cache and the counters are in the database
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
# With REDIS_URL: the base settings' production choice (the fault-tolerant Redis cache, and the plain Redis alias
# for login and rate-limit counters). Without it (the generator's own process): a memory cache, counters in the
# database — the test's template database is migrated with the test settings, so it has no cache table.
if not os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    COUNTERS_CACHE = ""
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
# The scripted ministry users log in with a password: the second factor (required in production) would need each
# simulated user to compute codes, and the load measures the portal's pages, not the authenticator step.
XACT_2FA_REQUIRED_FOR_MINISTRY = False
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
