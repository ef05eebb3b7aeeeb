"""A modelsearch (Wagtail search) backend on PostgreSQL full-text search with the Japanese analyzer.

    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "portal.search.postgres"}}   # SEARCH_BACKEND=postgres

The analyzer is the one the Whoosh backend uses (:mod:`portal.search.analysis`): its terms (CJK bigrams, the last
character of a run, words) and their positions are written as a ``tsvector`` literal — PostgreSQL's ``simple``
parser and dictionaries never see the text, so PostgreSQL indexes exactly the terms Whoosh indexes. A query's
phrases become phrase ``tsquery``s (``'除雪' <-> '雪車'``; a phrase ending in one CJK character ends in a prefix,
``'ai' <-> '車':*``), so both backends find the same documents.

- One row of ``search_indexentry`` per searchable (``t__``) or autocomplete (``a__``) field of an object, with the
  field's boost; a GIN index on the vector. PostgreSQL keeps positions up to 16,383 and 256 per term, so a long
  text is split into parts of :data:`CHUNK` positions that overlap by the longest phrase a query may have.
- A query is SQL on the model's own queryset: each phrase is ``pk IN (rows matching the phrase in the fields
  searched)``, combined with AND/OR/NOT as the query says; the queryset's filters are the queryset's (any lookup
  works). Ranking: the sum over matching rows of boost × ``ts_rank``. Facets: ``GROUP BY`` on the matching
  queryset.
- Writes are made at once, in the caller's transaction: the index rows of a published page commit or roll back
  with the page. ``update_index`` rebuilds an index in one transaction (searches see the old rows until it
  commits).
"""

from collections import OrderedDict

from django.db import connection, models, transaction
from django.db.models import Count, F, FloatField, Func, Q, Sum, TextField, Value
from django.db.models.functions import Cast, Coalesce
from modelsearch.backends.base import BaseIndex, BaseSearchBackend, BaseSearchResults, FilterFieldError
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText

from . import analysis, results_cache
from .backend.mapping import INT_TYPES, Mapping, index_name
from .backend.query import WhooshSearchQueryCompiler
from .models import IndexEntry

CHUNK = 2000  # positions per part of a long text (each part holds CHUNK + OVERLAP positions)
OVERLAP = analysis.MAX_PHRASE_TERMS  # any phrase of a query lies wholly inside one part


# --- text to tsvector / tsquery --------------------------------------------------------------------------------


def lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvectors(text: str, *, autocomplete: bool = False) -> list[str]:
    """``tsvector`` literals of a text's terms with their positions (1-based), one per part of a long text."""
    terms = analysis.index_terms(text or "", autocomplete=autocomplete)
    if not terms:
        return []
    last = max(poses[-1] for poses in terms.values())
    out = []
    start = 0
    while True:
        end = start + CHUNK + OVERLAP
        parts = []
        for term, poses in terms.items():
            inside = [str(p - start + 1) for p in poses if start <= p < end]
            if inside:
                parts.append(f"{lexeme(term)}:{','.join(inside)}")
        if parts:
            out.append(" ".join(parts))
        start += CHUNK
        if start > last:
            return out


def phrase_tsquery(terms: list[str]) -> str:
    """A phrase ``tsquery``: terms at consecutive positions; a lone or final CJK character is a prefix (the terms
    that start with it: the bigrams it begins, or itself at the end of a run), as in the Whoosh backend."""
    parts = [lexeme(t) for t in terms]
    if analysis.is_cjk_char(terms[-1]):
        parts[-1] += ":*"
    return " <-> ".join(parts)


class TsQuery(Func):
    """A ``tsquery`` literal, parsed as it is (``'…'::tsquery``): no parser or dictionary in between."""

    template = "(%(expressions)s)::tsquery"

    def __init__(self, text: str):
        super().__init__(Value(text), output_field=TextField())


class Matches(Func):
    template = "%(expressions)s"
    arg_joiner = " @@ "
    output_field = models.BooleanField()


class TsRank(Func):
    function = "ts_rank"
    output_field = FloatField()


# --- query compiler ----------------------------------------------------------------------------------------------


def _pk_field(model):
    pk = model._meta.pk
    while pk.is_relation:
        pk = pk.target_field
    return pk


class PostgresSearchQueryCompiler(WhooshSearchQueryCompiler):
    """The Whoosh compiler's choice of fields (``t__<column>`` names shared by both backends), compiled to SQL."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.index = index_name(self.queryset.model)
        self.field_names = [name for name, _ in self.text_fields]
        self.phrases: list[str] = []  # the positive phrases' tsqueries, for ranking
        self.pure = True  # every match holds one of the phrases (no NOT, no match-all): ranked by a GROUP BY
        pk = _pk_field(self.queryset.model)
        self.pk_cast = (
            Cast("object_id", models.BigIntegerField())
            if pk.get_internal_type() in INT_TYPES
            else F("object_id")
        )

    def _rows(self, tsquery: str):
        return IndexEntry.objects.filter(
            Matches(F("vector"), TsQuery(tsquery)), index_name=self.index, field__in=self.field_names
        )

    def _phrase(self, terms: list[str], negated: bool):
        tsquery = phrase_tsquery(terms)
        if not negated and tsquery not in self.phrases:
            self.phrases.append(tsquery)
        return Q(pk__in=self._rows(tsquery).values(oid=self.pk_cast))

    def _text(self, text: str, operator: str, negated: bool):
        phrases = analysis.query_phrases(text)
        if not phrases or not self.field_names:
            return None  # nothing to find
        parts = [self._phrase(terms, negated) for terms in phrases]
        out = parts[0]
        for part in parts[1:]:
            out = (out & part) if operator == "and" else (out | part)
        return out

    def match(self, query=None, negated: bool = False):
        """A ``Q`` for the objects matching the query; ``Q()`` for all; None for none."""
        query = self.query if query is None else query
        if isinstance(query, MatchAll):
            self.pure = False
            return Q()
        if isinstance(query, (PlainText, Fuzzy)):
            return self._text(query.query_string, query.operator, negated)
        if isinstance(query, Phrase):
            terms = [t for phrase in analysis.query_phrases(query.query_string) for t in phrase]
            return self._phrase(terms, negated) if terms and self.field_names else None
        if isinstance(query, Boost):
            return self.match(query.subquery, negated)
        if isinstance(query, And):
            parts = [self.match(q, negated) for q in query.subqueries]
            if any(p is None for p in parts):
                return None
            out = Q()
            for p in parts:
                out &= p
            return out
        if isinstance(query, Or):
            parts = [p for p in (self.match(q, negated) for q in query.subqueries) if p is not None]
            if not parts:
                return None
            out = parts[0]
            for p in parts[1:]:
                out |= p
            return out
        if isinstance(query, Not):
            self.pure = False
            inner = self.match(query.subquery, not negated)
            return Q() if inner is None else ~inner
        raise NotImplementedError(
            f"`{type(query).__name__}` is not supported by the PostgreSQL search backend."
        )

    def matching(self):
        """The queryset's objects that match (its own filters applied by the database), or None for none."""
        if "matching" not in self.cache:
            q = self.match()
            self.cache["matching"] = None if q is None else self.queryset.filter(q)
        return self.cache["matching"]

    def rank_query(self) -> str | None:
        return " | ".join(f"({p})" for p in self.phrases) or None


class PostgresAutocompleteQueryCompiler(PostgresSearchQueryCompiler):
    def get_text_fields(self):
        model = self.queryset.model
        if self.fields:
            by_name = {f.field_name: f for f in model.get_autocomplete_search_fields()}
            return [(f"a__{self.mapping.column(by_name[n])}", 1.0) for n in self.fields if n in by_name]
        seen = {}
        for m in [model, *self._family()]:
            for name in Mapping(m).autocomplete_fields():
                seen.setdefault(name, 1.0)
        return list(seen.items())

    def match(self, query=None, negated=False):
        query = self.query if query is None else query
        if not isinstance(query, (PlainText, MatchAll)):
            raise NotImplementedError(f"`{type(query).__name__}` is not supported for autocomplete queries.")
        return super().match(query, negated)


# --- results -----------------------------------------------------------------------------------------------------


class PostgresSearchResults(BaseSearchResults):
    supports_facet = True

    def _total(self) -> int:
        cache = self.query_compiler.cache
        if "total" not in cache:
            matching = self.query_compiler.matching()
            cache["total"] = 0 if matching is None else matching.count()
        return cache["total"]

    def _do_count(self):
        count = self._total() - self.start
        if self.stop is not None:
            count = min(count, self.stop - self.start)
        return max(count, 0)

    def _scores(self, tsquery: str):
        qc = self.query_compiler
        return (
            IndexEntry.objects.filter(Matches(F("vector"), TsQuery(tsquery)), index_name=qc.index)
            .filter(field__in=qc.field_names)
            .values("object_id")
            .annotate(score=Sum(F("boost") * TsRank(F("vector"), TsQuery(tsquery))))
        )

    def _do_search(self):
        qc = self.query_compiler
        matching = qc.matching()
        if matching is None:
            return []
        tsquery = qc.rank_query()
        if not qc.order_by_relevance or tsquery is None:
            # The queryset's own order (newest first without one, as the Whoosh backend does).
            if not qc.order_by_relevance and matching.ordered:
                page = matching
            else:
                page = matching.order_by("-pk")
            return list(page[self.start : self.stop])
        if qc.pure:
            # Every match has a row matching one of the phrases: rank those rows, then keep the matching objects.
            ids = matching.order_by().annotate(xact_pk=Cast("pk", TextField())).values("xact_pk")
            ranked = self._scores(tsquery).filter(object_id__in=ids).order_by("-score", "-object_id")
            found = [(row["object_id"], row["score"]) for row in ranked[self.start : self.stop]]
            objects = {str(obj.pk): obj for obj in qc.queryset.filter(pk__in=[pk for pk, _ in found])}
            out = []
            for pk, score in found:
                obj = objects.get(pk)
                if obj is not None:
                    if self._score_field:
                        setattr(obj, self._score_field, score)
                    out.append(obj)
            return out
        # A NOT or match-all part: some matches have no scored row; each object's score looked up.
        score = (
            self._scores(tsquery).filter(object_id=Cast(models.OuterRef("pk"), TextField())).values("score")
        )
        page = matching.annotate(xact_score=Coalesce(models.Subquery(score[:1]), 0.0)).order_by(
            "-xact_score", "-pk"
        )
        out = list(page[self.start : self.stop])
        if self._score_field:
            for obj in out:
                setattr(obj, self._score_field, obj.xact_score)
        return out

    def facet(self, field_name):
        qc = self.query_compiler
        field = qc._get_filterable_field(field_name)
        if field is None:
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f'index.FilterField("{field_name}") to {qc.queryset.model.__name__}.search_fields.',
                field_name=field_name,
            )
        matching = qc.matching()
        if matching is None:
            return OrderedDict()
        rows = (
            matching.order_by()
            .values(field.field_name)
            .annotate(xact_count=Count("pk", distinct=True))
            .order_by("-xact_count", field.field_name)
        )
        return OrderedDict((row[field.field_name], row["xact_count"]) for row in rows)


# --- index -------------------------------------------------------------------------------------------------------


def entries(index: str, objs) -> list[IndexEntry]:
    """The index rows of some objects (their own, most specific, type's fields)."""
    out = []
    mappings: dict = {}
    for obj in objs:
        cls = type(obj)
        mapping = mappings.get(cls) or mappings.setdefault(cls, Mapping(cls))
        boosts = dict(mapping.text_fields())
        for name, value in mapping.document(obj).items():
            if not name.startswith(("t__", "a__")):
                continue
            autocomplete = name.startswith("a__")
            boost = 1.0 if autocomplete else boosts.get(name, 1.0)
            for chunk, vector in enumerate(tsvectors(value, autocomplete=autocomplete)):
                out.append(
                    IndexEntry(
                        index_name=index,
                        object_id=str(obj.pk),
                        field=name,
                        chunk=chunk,
                        boost=boost,
                        vector=vector,
                    )
                )
    return out


class PostgresIndex(BaseIndex):
    BATCH = 2000

    def __init__(self, backend, name: str):
        super().__init__(backend)
        self.name = name

    def __str__(self):
        return self.name

    def get_key(self):
        return self.name

    def add_model(self, model):
        pass

    def refresh(self):
        pass

    def reset(self):
        IndexEntry.objects.filter(index_name=self.name).delete()
        results_cache.bump()

    def is_empty(self) -> bool:
        return not IndexEntry.objects.filter(index_name=self.name).exists()

    def _lock_and_delete(self, keys: list[str]):
        """Delete the objects' rows, after taking a transaction-scoped advisory lock per object: two transactions
        writing the same object take turns, so a delete-then-insert race cannot leave rows twice. One statement:
        the lock is a constant condition, which PostgreSQL evaluates once before reading any row."""
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM search_indexentry WHERE index_name = %s AND object_id = ANY(%s) AND ("
                " SELECT count(pg_advisory_xact_lock(hashtext(k))) FROM"
                " (SELECT k FROM unnest(%s::text[]) AS k ORDER BY k) AS locks) >= 0",
                [self.name, keys, [f"{self.name}:{k}" for k in keys]],
            )

    def add_items(self, model, items):
        items = list(items)
        if not items:
            return
        keys = [str(obj.pk) for obj in items]
        rows = entries(self.name, items)
        # One transaction (the caller's, if any: no savepoint, two round trips fewer per update).
        with transaction.atomic(savepoint=False):
            self._lock_and_delete(keys)
            IndexEntry.objects.bulk_create(rows, batch_size=self.BATCH)
            results_cache.bump()

    def add_item(self, item):
        self.add_items(type(item), [item])

    def delete_item(self, item):
        self.delete_pk(str(item.pk))

    def delete_pk(self, pk: str):
        with transaction.atomic(savepoint=False):
            self._lock_and_delete([pk])
            results_cache.bump()


class RebuildSession:
    """The index as ``update_index`` fills it: rows inserted without per-object deletes (the index was emptied)."""

    def __init__(self, index: PostgresIndex):
        self.index = index

    def get_key(self):
        return self.index.get_key()

    def __str__(self):
        return str(self.index)

    def add_model(self, model):
        pass

    def add_items(self, model, items):
        keys = {str(obj.pk) for obj in items}
        # Multi-table models (pages) can be offered twice; the last offer wins, as for a normal write.
        IndexEntry.objects.filter(index_name=self.index.name, object_id__in=keys).delete()
        IndexEntry.objects.bulk_create(entries(self.index.name, items), batch_size=PostgresIndex.BATCH)

    def add_item(self, item):
        self.add_items(type(item), [item])

    def refresh(self):
        pass


class PostgresRebuilder:
    """Rebuild one index in one transaction: searches see the old rows until the new ones commit."""

    def __init__(self, index: PostgresIndex):
        self.index = index
        self.atomic = None

    def start(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.index.reset()
        return RebuildSession(self.index)

    def finish(self):
        self.atomic.__exit__(None, None, None)
        self.atomic = None
        results_cache.bump()
        # Fresh statistics after rewriting the whole index: without them the planner may walk the index by
        # object instead of asking the GIN index (tens of times slower on a freshly loaded table).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_indexentry")


class PostgresSearchBackend(BaseSearchBackend):
    query_compiler_class = PostgresSearchQueryCompiler
    autocomplete_query_compiler_class = PostgresAutocompleteQueryCompiler
    results_class = PostgresSearchResults
    index_class = PostgresIndex
    rebuilder_class = PostgresRebuilder
    catch_indexing_errors = False
    writes_in_transaction = True  # portal.search.signals writes on save, not through the task queue
    filters_in_database = True  # the queryset's filters are SQL: a subquery is taken as it is

    def get_index_for_model(self, model):
        return self.index_class(self, index_name(model))

    def add(self, obj):
        self.get_index_for_object(obj).add_item(obj)

    def add_bulk(self, model, obj_list):
        self.get_index_for_model(model).add_items(model, obj_list)

    def delete(self, obj):
        self.get_index_for_object(obj).delete_item(obj)


SearchBackend = PostgresSearchBackend
