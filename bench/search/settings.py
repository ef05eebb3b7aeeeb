"""Settings for the search benchmark: the test settings, a throw-away SQLite file, and both backends."""

import os
import tempfile
from pathlib import Path

from portal.settings.test import *  # noqa: F403

_tmp = Path(os.environ.get("BENCH_DIR") or tempfile.mkdtemp(prefix="xact-bench-search-"))
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(_tmp / "bench.sqlite3"),
        "OPTIONS": {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"},
    }
}
SEARCH_INDEX_DIR = _tmp / "search-index"
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "portal.search.backend"},
    "database": {"BACKEND": "modelsearch.backends.database", "AUTO_UPDATE": False},
}
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "WARNING"}}
