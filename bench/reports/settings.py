"""Settings for the reports benchmark: the test settings on a throw-away SQLite file kept between generate and run."""

import os
from pathlib import Path

from portal.settings.test import *  # noqa: F403

BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/xact-bench-reports"))
BENCH_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(BENCH_DIR / "bench.sqlite3"),
        "OPTIONS": {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"},
    }
}
PRIVATE_MEDIA_ROOT = BENCH_DIR / "private"
MEDIA_ROOT = BENCH_DIR / "media"
STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    },
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
}
SEARCH_INDEX_DIR = BENCH_DIR / "search-index"
# Mail, notifications and the search index are not what we measure.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "WARNING"}}
