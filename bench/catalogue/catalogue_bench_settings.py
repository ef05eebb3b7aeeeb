"""Settings for the catalogue benchmark: the production-like stack on a separate SQLite file, plus a bare view."""

import os

os.environ.setdefault("XACT_VAR_DIR", "/tmp/xact-bench-catalogue")

from portal.settings.base import *  # noqa: E402,F403

DEBUG = False
SECRET_KEY = "bench-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "catalogue_bench_urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# The cache comes from base settings: Redis when REDIS_URL is set (run.py starts one), else the database cache,
# both shared by every gunicorn worker; BENCH_LOCMEM_CACHE=1 gives each worker its own memory cache instead.
if os.environ.get("BENCH_LOCMEM_CACHE"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
