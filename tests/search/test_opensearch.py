"""SEARCH_BACKEND=opensearch: the index definition sent to OpenSearch carries the CJK-bigram analyzer. No
OpenSearch server runs here: the client is replaced by a recorder (docs/search.md)."""

from unittest import mock

import pytest
from modelsearch.backends import get_search_backend

from portal.search.opensearch import opensearch_backend
from portal.settings.base import search_backends
from tests.search.testapp.models import Article


@pytest.fixture
def backend(settings):
    settings.WAGTAILSEARCH_BACKENDS = {"default": opensearch_backend("http://search.internal:9200", "xact_")}
    backend = get_search_backend()
    return backend


def test_settings_choose_the_backend():
    assert search_backends("whoosh")["default"]["BACKEND"] == "portal.search.backend"
    assert search_backends("opensearch")["default"]["BACKEND"] == "portal.search.opensearch_backend"
    assert search_backends("opensearch")["default"]["URLS"]
    with pytest.raises(Exception, match="whoosh, postgres or opensearch"):
        search_backends("solr")


def test_index_definition_has_the_cjk_bigram_analyzer(backend):
    client = mock.MagicMock()
    with mock.patch.object(backend, "es", client):
        index = backend.get_index_for_model(Article)
        index.es = client
        index.put()
        index.add_model(Article)
    created = client.indices.create.call_args.kwargs
    assert created["index"] == "xact_searchtestapp_article"
    analysis = created["body"]["settings"]["analysis"]
    assert analysis["analyzer"]["default"]["filter"] == ["cjk_width", "lowercase", "cjk_bigram"]
    assert "cjk_bigram" in analysis["analyzer"]["edgengram_analyzer"]["filter"]
    mapping = client.indices.put_mapping.call_args.kwargs["body"]["properties"]
    # Searchable text uses the index's default (CJK-bigram) analyzer.
    title = mapping["title"]
    assert title["type"] == "text" and "analyzer" not in title
    # Autocomplete: edge n-grams of the bigrams, searched with the bigram analyzer (not "standard").
    assert mapping["_edgengrams"]["search_analyzer"] == "cjk_search"
    assert mapping["title_edgengrams"]["analyzer"] == "edgengram_analyzer"


def test_a_search_sends_a_query_for_the_bigram_analyzed_fields(backend):
    client = mock.MagicMock()
    client.search.return_value = {"hits": {"hits": [], "total": {"value": 0}}}
    client.count.return_value = {"count": 0}
    with mock.patch.object(backend, "es", client):
        assert list(backend.search("除雪", Article)) == []
    body = client.search.call_args.kwargs
    assert "除雪" in repr(body)
