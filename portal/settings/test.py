"""Test settings: fast hashing, in-memory e-mail, immediate tasks, a throw-away search index per run."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, STORAGES

SECRET_KEY = "test-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
COUNTERS_CACHE = ""  # failed logins and rate limits counted in the test database (portal/core/counters.py)
# The challenge catalogue's caches outlive a test's rolled-back rows; tests that exercise them turn them on.
CHALLENGES_CACHE_SECONDS = 0
PROGRAMME_RESULTS_CACHE_SECONDS = 0
TRACKER_DASHBOARD_CACHE_SECONDS = 0  # tests/tracker/test_dashboard_queries.py turns it on
SEARCH_CACHE_SECONDS = 0  # tests/search/test_results_cache.py turns it on
# The same for the shell's per-user entries (user ids are reused after a rollback); tests/core/test_shell_cache.py
# turns them on.
SHELL_CACHE_SECONDS = ACCESS_CACHE_SECONDS = ROUTE_CACHE_SECONDS = PAGE_CACHE_SECONDS = 0
# Tests that find an empty index on purpose would otherwise rebuild it in the request (immediate task backend).
SEARCH_AUTO_REBUILD_SECONDS = 0
# The embedding model (1–6 s to load) stays out of the suite; tests of the embeddings turn it on with `settings`.
MATCHING_EMBEDDINGS = False
# Limits far above what any test sends; tests of the limits lower them with the `settings` fixture.
RATE_LIMIT_SIGNUP = RATE_LIMIT_APPLICATION = RATE_LIMIT_SEARCH = RATE_LIMIT_LOGIN_UNLOCK = "100000/m"
RATE_LIMIT_PASSWORD_RESET = RATE_LIMIT_PASSWORD_RESET_ACCOUNT = RATE_LIMIT_SIGNUP_EXISTING = "100000/m"
RATE_LIMIT_TWO_FACTOR = RATE_LIMIT_QUESTION = RATE_LIMIT_MESSAGE = "100000/m"
# Existing tests log ministry staff in with a password only; tests of two-factor authentication turn it on.
XACT_2FA_REQUIRED_FOR_MINISTRY = False

_tmp = Path(tempfile.mkdtemp(prefix="xact-test-"))
MEDIA_ROOT = _tmp / "media"
PRIVATE_MEDIA_ROOT = _tmp / "private"
SEARCH_INDEX_DIR = Path(os.environ.get("SEARCH_INDEX_DIR", _tmp / "search-index"))
STORAGES = {
    **STORAGES,
    "default": {
        "BACKEND": "portal.core.storage.SafeFileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    },
    "private": {
        "BACKEND": "portal.core.storage.SafeFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Test-only models for the search backend (tests/search/testapp).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.search.testapp"]
