"""Translate a modelsearch query plus a Django queryset (filters, ordering) into a Whoosh query."""

from django.db.models import Subquery
from django.db.models.sql import Query as SqlQuery
from django.db.models.sql.constants import MULTI, SINGLE
from modelsearch.backends.base import BaseSearchQueryCompiler
from modelsearch.index import RelatedFields, get_indexed_models
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText
from whoosh import query as wq
from whoosh import sorting

from .. import analysis
from .mapping import Mapping, clean_filter_value, content_type_label, filter_kind, index_name


def phrase_query(fieldname: str, terms: list[str], boost: float = 1.0):
    if len(terms) == 1:
        if analysis.is_cjk_char(terms[0]):
            # A lone CJK character: every bigram it starts, or itself at the end of a run.
            return wq.Prefix(fieldname, terms[0], boost=boost)
        return wq.Term(fieldname, terms[0], boost=boost)
    if analysis.is_cjk_char(terms[-1]):
        # A phrase ending in one CJK character (「AI車」): that character may begin a longer word (「AI車両」), so the
        # last place is a prefix — Whoosh's Sequence matches sub-queries at adjacent positions.
        parts = [wq.Term(fieldname, t) for t in terms[:-1]]
        return wq.Sequence([*parts, wq.Prefix(fieldname, terms[-1])], boost=boost)
    return wq.Phrase(fieldname, terms, boost=boost)


def text_query(fields: list[tuple[str, float]], text: str, operator: str, boost: float = 1.0):
    phrases = analysis.query_phrases(text)
    if not phrases or not fields:
        return wq.NullQuery
    parts = [wq.Or([phrase_query(name, terms, fb * boost) for name, fb in fields]) for terms in phrases]
    if len(parts) == 1:
        return parts[0]
    return wq.And(parts) if operator == "and" else wq.Or(parts)


class WhooshSearchQueryCompiler(BaseSearchQueryCompiler):
    DEFAULT_OPERATOR = "and"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mapping = Mapping(self.queryset.model)
        self.cache = {}  # the compiled query and its ranked matches, shared by the slices of one result set
        self.text_fields = self.get_text_fields()

    # --- fields -------------------------------------------------------------------------------------------

    def _family(self):
        model = self.queryset.model
        name = index_name(model)
        return [m for m in get_indexed_models() if issubclass(m, model) and index_name(m) == name]

    def get_text_fields(self) -> list[tuple[str, float]]:
        if self.fields:
            by_name = {f.field_name: f for f in self.queryset.model.get_searchable_search_fields()}
            return [
                (f"t__{self.mapping.column(by_name[n])}", float(by_name[n].boost or 1.0))
                for n in self.fields
                if n in by_name
            ]
        # The model's own fields and those of its subclasses (a search of all pages looks into every page type).
        seen: dict[str, float] = {}
        for model in [self.queryset.model, *self._family()]:
            for name, boost in Mapping(model).text_fields():
                seen.setdefault(name, boost)
        return list(seen.items())

    # --- filters ------------------------------------------------------------------------------------------

    def _column_and_kind(self, field_path):
        mapping, model, parts = self.mapping, self.queryset.model, []
        top = True
        for field in field_path:
            if isinstance(field, RelatedFields):
                parts.append(mapping.column(field, model) if top else field.field_name)
                model = field.get_field(model).related_model
            else:
                parts.append(mapping.column(field, model) if top else field.get_attname(model))
                return "f__" + "__".join(parts), "__".join(parts), filter_kind(field.get_type(model))
            top = False
        raise ValueError(field_path)

    def _sql_values(self, value, result_type):
        db_alias = self.queryset.db
        query = value.query if isinstance(value, Subquery) else value
        rows = query.get_compiler(db_alias).execute_sql(result_type=result_type)
        if result_type == SINGLE:
            return rows[0] if rows else None
        return [row[0] for chunk in rows for row in chunk]

    def _process_lookup(self, field_path, lookup, value):
        name, column, kind = self._column_and_kind(field_path)
        clean = lambda v: clean_filter_value(kind, v)  # noqa: E731

        def term(v):
            v = clean(v)
            return wq.NullQuery if v is None else wq.Term(name, v)

        if lookup == "exact":
            if isinstance(value, (SqlQuery, Subquery)):
                value = self._sql_values(value, SINGLE)
            if value is None:
                return wq.Term("null", column)
            return term(value)
        if lookup == "isnull":
            return wq.Term("null", column) if value else wq.Not(wq.Term("null", column))
        if lookup == "in":
            if isinstance(value, (SqlQuery, Subquery)):
                value = self._sql_values(value, MULTI)
            terms = [term(v) for v in value if v is not None]
            return wq.Or(terms) if terms else wq.NullQuery
        if lookup in ("startswith", "prefix"):
            return wq.Prefix(name, str(value))
        if lookup in ("gt", "gte", "lt", "lte", "range"):
            if lookup == "range":
                lo, hi, lo_x, hi_x = clean(value[0]), clean(value[1]), False, False
            elif lookup in ("gt", "gte"):
                lo, hi, lo_x, hi_x = clean(value), None, lookup == "gt", False
            else:
                lo, hi, lo_x, hi_x = None, clean(value), False, lookup == "lt"
            if kind in ("int", "float"):
                return wq.NumericRange(name, lo, hi, startexcl=lo_x, endexcl=hi_x)
            if kind == "date":
                return wq.DateRange(name, lo, hi, startexcl=lo_x, endexcl=hi_x)
            return wq.TermRange(name, lo, hi, startexcl=lo_x, endexcl=hi_x)
        return None

    def _process_match_none(self):
        return wq.NullQuery

    def _connect_filters(self, filters, connector, negated):
        filters = [f for f in filters if f is not None]
        if not filters:
            return None
        q = filters[0] if len(filters) == 1 else (wq.And(filters) if connector == "AND" else wq.Or(filters))
        return wq.Not(q) if negated else q

    def get_filter_query(self):
        parts = []
        model = self.queryset.model
        # Only the requested type (and its subclasses) from a shared index.
        if any(index_name(m) == index_name(model) and m is not model for m in get_indexed_models()):
            parts.append(wq.Term("ct", content_type_label(model)))
        queryset_filter = self._get_filters_from_queryset()
        if queryset_filter is not None:
            parts.append(queryset_filter)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)

    # --- text ---------------------------------------------------------------------------------------------

    def compile(self, query, boost: float = 1.0):
        if isinstance(query, MatchAll):
            return wq.Every()
        if isinstance(query, PlainText):
            return text_query(self.text_fields, query.query_string, query.operator, boost * query.boost)
        if isinstance(query, Fuzzy):
            return text_query(self.text_fields, query.query_string, query.operator, boost)
        if isinstance(query, Phrase):
            terms = [t for phrase in analysis.query_phrases(query.query_string) for t in phrase]
            if not terms:
                return wq.NullQuery
            return wq.Or([phrase_query(name, terms, fb * boost) for name, fb in self.text_fields])
        if isinstance(query, Boost):
            return self.compile(query.subquery, boost * query.boost)
        if isinstance(query, And):
            return wq.And([self.compile(q, boost) for q in query.subqueries])
        if isinstance(query, Or):
            return wq.Or([self.compile(q, boost) for q in query.subqueries])
        if isinstance(query, Not):
            return wq.AndNot(wq.Every(), self.compile(query.subquery, boost))
        raise NotImplementedError(f"`{type(query).__name__}` is not supported by the Whoosh search backend.")

    def get_query(self):
        """The whole Whoosh query: text (scored) and filters (not scored)."""
        text = self.compile(self.query)
        if text is wq.NullQuery:
            return wq.NullQuery
        filters = self.get_filter_query()
        if filters is None:
            return text
        if isinstance(text, wq.Every):
            return filters
        return wq.And([text, wq.ConstantScoreQuery(filters, 0.0)])

    def get_sortedby(self):
        """None for relevance; else a list of Whoosh facets from the queryset's ``order_by``."""
        if self.order_by_relevance:
            return None
        facets = []
        for reverse, field in self._get_order_by():
            facets.append(sorting.FieldFacet(f"f__{self.mapping.column(field)}", reverse=reverse))
        if not facets:
            # Stable order across pages, newest first, as Wagtail's database backend does.
            facets.append(sorting.FieldFacet("pkn", reverse=True))
        return facets


class WhooshAutocompleteQueryCompiler(WhooshSearchQueryCompiler):
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

    def compile(self, query, boost: float = 1.0):
        if isinstance(query, (PlainText, MatchAll)):
            return super().compile(query, boost)
        raise NotImplementedError(f"`{type(query).__name__}` is not supported for autocomplete queries.")
