"""Each search test gets its own empty index directory; writes made in a transaction land when it commits.

The backend under test is the one the settings choose: Whoosh on SQLite, PostgreSQL when DATABASE_URL is
PostgreSQL (CI's PostgreSQL half), so the same relevance, consistency and bad-query tests run against both. Tests of
Whoosh's files and locks ask for ``whoosh`` (they run in both halves); tests of the PostgreSQL backend ask for
``postgres`` (skipped on SQLite).
"""

import pytest
from django.db import connection
from modelsearch.backends import get_search_backend

WHOOSH = {"default": {"BACKEND": "portal.search.backend"}}
POSTGRES = {"default": {"BACKEND": "portal.search.postgres"}}


@pytest.fixture(autouse=True)
def search_index_dir(settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"
    return settings.SEARCH_INDEX_DIR


@pytest.fixture
def whoosh(settings):
    settings.WAGTAILSEARCH_BACKENDS = WHOOSH


@pytest.fixture
def postgres(settings):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL search backend needs DATABASE_URL to be a PostgreSQL database")
    settings.WAGTAILSEARCH_BACKENDS = POSTGRES


@pytest.fixture
def backend(search_index_dir):
    return get_search_backend()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the on-commit index writes of the block, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def index_pks(model, text) -> set[str]:
    """Primary keys the index itself holds for a query (no database check), whichever the backend."""
    backend = get_search_backend()
    compiler = backend.search(text, model).query_compiler
    if hasattr(compiler, "matching"):  # PostgreSQL: the rows of the index, not the model's table
        from django.db.models import F

        from portal.search.analysis import query_phrases
        from portal.search.models import IndexEntry
        from portal.search.postgres import Matches, TsQuery, phrase_tsquery

        found = None
        for terms in query_phrases(text):
            rows = IndexEntry.objects.filter(
                Matches(F("vector"), TsQuery(phrase_tsquery(terms))),
                index_name=compiler.index,
                field__in=compiler.field_names,
            )
            pks = set(rows.values_list("object_id", flat=True))
            found = pks if found is None else found & pks
        return found or set()
    searcher = backend.get_index_for_model(model).searcher()
    return {hit["pk"] for hit in searcher.search(compiler.get_query(), limit=None)}
