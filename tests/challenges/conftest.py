import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The catalogue caches rendered pages and facet counts; every test starts without them."""
    cache.clear()
    yield
    cache.clear()
