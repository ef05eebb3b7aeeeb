"""OpenSearch settings (``SEARCH_BACKEND=opensearch``): modelsearch's OpenSearch 3 backend with a CJK-bigram
analyzer, so that 「除雪」 finds 「除雪車」 there too.

Every searchable text field uses the index's ``default`` analyzer: the standard tokenizer (which splits Japanese into
single characters), ``cjk_width`` (full-width Latin and half-width kana folded, as NFKC does), ``lowercase`` and
``cjk_bigram`` (adjacent CJK characters joined into bigrams; a lone character kept, ``output_unigrams`` off). A
query is analysed the same way, and a phrase query over bigrams finds the word inside longer ones. Autocomplete
fields add edge n-grams of each term at index time and search with the bigram analyzer.

No OpenSearch server runs on the development machines or in CI: tests/search/test_opensearch.py checks the index
definition this backend sends (docs/search.md).

This module is imported by the settings: nothing here may import Django models.
"""

CJK_ANALYSIS = {
    "analyzer": {
        "default": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["cjk_width", "lowercase", "cjk_bigram"],
        },
        "cjk_search": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["cjk_width", "lowercase", "cjk_bigram"],
        },
        "edgengram_analyzer": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["cjk_width", "lowercase", "cjk_bigram", "edgengram"],
        },
    },
}


def opensearch_backend(url: str, index_prefix: str) -> dict:
    """The WAGTAILSEARCH_BACKENDS entry for an OpenSearch cluster at ``url``."""
    return {
        "BACKEND": "portal.search.opensearch_backend",
        "URLS": [url],
        "INDEX_PREFIX": index_prefix,
        "TIMEOUT": 10,
        "INDEX_SETTINGS": {"settings": {"analysis": CJK_ANALYSIS}},
    }
