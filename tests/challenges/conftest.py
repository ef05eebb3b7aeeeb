import pytest


@pytest.fixture(autouse=True)
def _own_search_index(settings, tmp_path):
    """An empty search index per test: rolled-back rows must not linger in the index under reused ids."""
    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"
