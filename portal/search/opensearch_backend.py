"""modelsearch's OpenSearch 3 backend, autocomplete queries analysed with the CJK-bigram analyzer
(:mod:`portal.search.opensearch`) instead of ``standard``. Needs the ``opensearch-py`` client."""

from modelsearch.backends.opensearch3 import (
    OpenSearch3AutocompleteQueryCompiler,
    OpenSearch3Mapping,
    OpenSearch3SearchBackend,
    OpenSearch3SearchQueryCompiler,
)


class JapaneseMapping(OpenSearch3Mapping):
    edgengram_analyzer_config = {"analyzer": "edgengram_analyzer", "search_analyzer": "cjk_search"}


class JapaneseSearchQueryCompiler(OpenSearch3SearchQueryCompiler):
    mapping_class = JapaneseMapping


class JapaneseAutocompleteQueryCompiler(OpenSearch3AutocompleteQueryCompiler):
    mapping_class = JapaneseMapping


class JapaneseOpenSearchBackend(OpenSearch3SearchBackend):
    mapping_class = JapaneseMapping
    query_compiler_class = JapaneseSearchQueryCompiler
    autocomplete_query_compiler_class = JapaneseAutocompleteQueryCompiler


SearchBackend = JapaneseOpenSearchBackend
