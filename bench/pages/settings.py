"""Settings for the page benchmark: the production stack (DEBUG off) on a database of its own, plus a bare view.

BENCH_DIR      files (SQLite database, search index, media), default /tmp/xact-bench-pages
DATABASE_URL   PostgreSQL instead of the SQLite file in BENCH_DIR (e.g. postgres://postgres@127.0.0.1/xact_bench)
REDIS_URL      the shared cache (run.py starts a private redis-server for the gunicorn part); without it a memory
               cache per process
"""

import os
from pathlib import Path

BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/xact-bench-pages"))
BENCH_DIR.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("XACT_VAR_DIR", str(BENCH_DIR))

from portal.settings.base import *  # noqa: E402,F403

DEBUG = False
SECRET_KEY = "bench-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.pages.urls"
if not os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    COUNTERS_CACHE = ""
# The staff users sign in with a password here: the second factor would measure the authenticator step.
XACT_2FA_REQUIRED_FOR_MINISTRY = False
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # logins are set up, not measured
RATE_LIMIT_SIGNUP = RATE_LIMIT_APPLICATION = RATE_LIMIT_SEARCH = "1000000/m"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
