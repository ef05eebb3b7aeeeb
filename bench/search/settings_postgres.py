"""Settings for the PostgreSQL search benchmark: the test settings on a PostgreSQL database (BENCH_DATABASE_URL),
the portal's PostgreSQL backend as "default" and Wagtail's stock PostgreSQL backend as "database"."""

import os

import dj_database_url

from portal.settings.test import *  # noqa: F403

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/xact_search_bench")
    )
}
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "portal.search.postgres"},
    "database": {"BACKEND": "modelsearch.backends.database", "AUTO_UPDATE": False},
}
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "WARNING"}}
