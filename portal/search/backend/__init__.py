"""A modelsearch (Wagtail search) backend on Whoosh with a Japanese-aware analyzer.

Settings::

    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "portal.search.backend",
            "PATH": SEARCH_INDEX_DIR,       # default: settings.SEARCH_INDEX_DIR
            "WRITE_TIMEOUT": 120,           # seconds a writer waits for the lock (a rebuild holds it)
        }
    }

Writes made inside a database transaction are applied when it commits (``transaction.on_commit``): a rolled
back change never reaches the index. If the lock cannot be had in time, the write is queued as a task.
"""

import logging
from collections import OrderedDict
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from modelsearch.backends.base import BaseSearchBackend, BaseSearchResults, FilterFieldError
from whoosh import query as wq
from whoosh.index import LockError

from .. import tasks
from .index import WhooshIndex, WhooshRebuilder
from .mapping import index_name
from .query import WhooshAutocompleteQueryCompiler, WhooshSearchQueryCompiler

logger = logging.getLogger(__name__)


class WhooshSearchResults(BaseSearchResults):
    supports_facet = True

    def _index(self):
        return self.backend.get_index_for_model(self.query_compiler.queryset.model)

    def _query(self):
        """The compiled Whoosh query, built once per query compiler (the slices of these results share it)."""
        cache = self.query_compiler.cache
        if "query" not in cache:
            cache["query"] = self.query_compiler.get_query()
        return cache["query"]

    def _search(self, searcher, limit, scored=True, **kwargs):
        q = self._query()
        if q is wq.NullQuery:
            return None
        return searcher.search(q, limit=limit, scored=scored, terms=False, **kwargs)

    def _ranked(self) -> list[tuple[str, float]]:
        """(primary key, score) of every match, ranked by Whoosh (BM25F) or ordered by the queryset's fields.
        Kept on the query compiler for the searcher's generation, so a paginator's count() and page cost one
        search, not two."""
        searcher = self._index().searcher()
        cache = self.query_compiler.cache
        cached = cache.get("ranked")
        if cached is not None and cached[0] is searcher:
            return cached[1]
        sortedby = self.query_compiler.get_sortedby()
        kwargs = {"sortedby": sortedby} if sortedby is not None else {}
        hits = self._search(searcher, None, **kwargs)
        ranked = [] if hits is None else [(hit["pk"], hit.score) for hit in hits]
        # The matching documents' numbers, for facets counted without running the query again.
        cache["ranked"] = (searcher, ranked)
        cache["docnums"] = (searcher, frozenset() if hits is None else frozenset(hits.docs()))
        return ranked

    def _docnums(self, searcher) -> frozenset:
        """The document numbers of every match, from the ranking's search (one search per result set)."""
        self._ranked()
        found = self.query_compiler.cache.get("docnums")
        if found is None or found[0] is not searcher:
            hits = self._search(searcher, None, scored=False)
            return frozenset() if hits is None else frozenset(hits.docs())
        return found[1]

    def _do_search(self):
        found = self._ranked()[self.start : self.stop]
        if not found:
            return []
        # The database has the last word: an object deleted or no longer matching the queryset's filters
        # (unpublished a moment ago) is not shown even before the index hears of it.
        objects = {
            str(obj.pk): obj for obj in self.query_compiler.queryset.filter(pk__in=[pk for pk, _ in found])
        }
        out = []
        for pk, score in found:
            obj = objects.get(pk)
            if obj is not None:
                if self._score_field:
                    setattr(obj, self._score_field, score)
                out.append(obj)
        return out

    def _do_count(self):
        count = len(self._ranked()) - self.start
        if self.stop is not None:
            count = min(count, self.stop - self.start)
        return max(count, 0)

    def facet(self, field_name):
        field = self.query_compiler._get_filterable_field(field_name)
        if field is None:
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f'index.FilterField("{field_name}") to {self.query_compiler.queryset.model.__name__}.search_fields.',
                field_name=field_name,
            )
        searcher = self._index().searcher()
        name = f"f__{self.query_compiler.mapping.column(field)}"
        if name not in searcher.schema:
            return OrderedDict()
        fieldobj = searcher.schema[name]
        if self._query() is wq.NullQuery:
            return OrderedDict()
        # Each value's postings intersected with the matches found by the ranking's search: the query runs once
        # per result set, and a multi-valued field (themes) needs no per-document value lists.
        docnums = self._docnums(searcher)
        counts: dict = {}
        if docnums:
            for term in fieldobj.sortable_terms(searcher.reader(), name):
                n = sum(1 for docnum in searcher.postings(name, term).all_ids() if docnum in docnums)
                if n:
                    key = fieldobj.from_bytes(term)
                    key = None if key in ("", b"") else key
                    counts[key] = counts.get(key, 0) + n
        return OrderedDict(sorted(counts.items(), key=lambda kv: -kv[1]))


class WhooshSearchBackend(BaseSearchBackend):
    query_compiler_class = WhooshSearchQueryCompiler
    autocomplete_query_compiler_class = WhooshAutocompleteQueryCompiler
    results_class = WhooshSearchResults
    index_class = WhooshIndex
    rebuilder_class = WhooshRebuilder
    catch_indexing_errors = False

    def __init__(self, params):
        super().__init__(params)
        self.path = str(params.pop("PATH", None) or settings.SEARCH_INDEX_DIR)
        self.write_timeout = float(params.pop("WRITE_TIMEOUT", 120))
        self.rebuild_lock_timeout = float(params.pop("REBUILD_LOCK_TIMEOUT", 300))
        self.writer_limit_mb = int(params.pop("WRITER_LIMIT_MB", 256))
        # A rebuild can index in several processes (Whoosh's MpWriter); 1 keeps it in this process.
        self.rebuild_procs = int(params.pop("REBUILD_PROCS", 1))

    def get_index_for_model(self, model):
        return self.index_class(self, index_name(model))

    # Signal handlers and tasks call these; inside a transaction they run when it commits.

    def _after_commit(self, fn, objs, action):
        # Django clears the primary key of a deleted instance: take the keys now.
        keys = [(obj._meta.app_label, obj._meta.model_name, str(obj.pk)) for obj in objs]

        def run():
            try:
                fn()
            except LockError:
                # The lock is held (a long rebuild): hand the write to the task worker rather than lose it.
                logger.warning("search index busy; queueing %s of %d object(s)", action, len(keys))
                for app_label, model_name, pk in keys:
                    tasks.index_object.enqueue(app_label, model_name, pk, action)

        if connection.in_atomic_block:
            transaction.on_commit(run)
        else:
            run()

    def add(self, obj):
        index = self.get_index_for_object(obj)
        self._after_commit(partial(index.add_items, type(obj), [obj]), [obj], "add")

    def add_bulk(self, model, obj_list):
        obj_list = list(obj_list)
        if obj_list:
            index = self.get_index_for_model(model)
            self._after_commit(partial(index.add_items, model, obj_list), obj_list, "add")

    def delete(self, obj):
        index = self.get_index_for_object(obj)
        self._after_commit(partial(index.delete_pk, str(obj.pk)), [obj], "delete")


SearchBackend = WhooshSearchBackend
