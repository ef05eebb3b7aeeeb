"""Each search test gets its own empty index directory; writes made in a transaction land when it commits."""

import pytest
from modelsearch.backends import get_search_backend


@pytest.fixture(autouse=True)
def search_index_dir(settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"
    return settings.SEARCH_INDEX_DIR


@pytest.fixture
def backend(search_index_dir):
    return get_search_backend()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the on-commit index writes of the block, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
