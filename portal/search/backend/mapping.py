"""How a model's ``search_fields`` become Whoosh fields and documents.

One Whoosh index per root model (all page types share the ``wagtailcore_page`` index, as in Wagtail's
Elasticsearch backend). Field names:

- ``t__<column>``  searchable text (Japanese analyzer, positions for phrases)
- ``a__<column>``  autocomplete text (same analyzer plus edge n-grams of words)
- ``f__<column>``  filter value (typed: boolean, number, date-time or exact string)
- ``ct``           every content type of the object ("app.Model" of the class and its indexed ancestors)
- ``null``         the filter columns whose value is None (for ``__isnull``)
- ``pk``           the primary key (unique, stored)

``<column>`` is the attribute name, prefixed with ``app_model__`` when a subclass defines it (two page types may
both have a ``body``), and ``rel__sub`` inside ``RelatedFields``.
"""

import datetime
from decimal import Decimal

from django.db import models
from django.utils import timezone
from modelsearch.backends.base import get_model_root
from modelsearch.index import AutocompleteField, FilterField, Indexed, RelatedFields, SearchField
from whoosh import fields as wf

from ..whoosh_analysis import text_field

INT_TYPES = {
    "AutoField",
    "SmallAutoField",
    "BigAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
}
FLOAT_TYPES = {"FloatField", "DecimalField"}
DATE_TYPES = {"DateField", "DateTimeField"}
BOOL_TYPES = {"BooleanField", "NullBooleanField"}


def filter_kind(internal_type: str) -> str:
    if internal_type in INT_TYPES:
        return "int"
    if internal_type in FLOAT_TYPES:
        return "float"
    if internal_type in DATE_TYPES:
        return "date"
    if internal_type in BOOL_TYPES:
        return "bool"
    return "str"


def whoosh_filter_field(kind: str, multi: bool = False):
    # Multi-valued fields (many-to-many) cannot have a sort column.
    if kind == "int":
        return wf.NUMERIC(int, bits=64, signed=True, sortable=not multi)
    if kind == "float":
        return wf.NUMERIC(float, sortable=not multi)
    if kind == "date":
        return wf.DATETIME(sortable=not multi)
    if kind == "bool":
        return wf.BOOLEAN()
    return wf.ID(sortable=not multi)


def clean_filter_value(kind: str, value):
    """Convert a Python value to what the Whoosh field of that kind indexes and queries with."""
    if value is None:
        return None
    if isinstance(value, models.Model):
        value = value.pk
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "date":
        if isinstance(value, str):
            value = datetime.datetime.fromisoformat(value)
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = value.astimezone(datetime.UTC).replace(tzinfo=None)
            return value
        return datetime.datetime.combine(value, datetime.time())
    if kind == "bool":
        return bool(value)
    if isinstance(value, datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def is_many(value) -> bool:
    """A manager or queryset of related objects — also modelcluster's in-memory one, which a page being saved holds
    for its parental many-to-many fields."""
    return isinstance(value, (models.Manager, models.QuerySet)) or (
        hasattr(value, "values_list") and hasattr(value, "all")
    )


def text_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "\n".join(text_value(v) for v in value)
    if is_many(value):
        return "\n".join(str(v) for v in value.all())
    return str(value)


def index_name(model) -> str:
    root = get_model_root(model)
    return f"{root._meta.app_label.lower()}_{root.__name__.lower()}"


def content_type_label(model) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


class Mapping:
    """Translate one model class's ``search_fields`` to Whoosh fields and documents."""

    def __init__(self, model):
        self.model = model

    def parent_models(self):
        model = self.model
        out = [model]
        while True:
            parent = next(
                (b for b in model.__bases__ if issubclass(b, Indexed) and issubclass(b, models.Model)), None
            )
            if parent is None or parent._meta.abstract:
                return out
            out.append(parent)
            model = parent

    def content_types(self) -> list[str]:
        return [content_type_label(m) for m in self.parent_models()]

    def column(self, field, model=None) -> str:
        model = model or self.model
        if isinstance(field, RelatedFields):
            name = field.field_name
        else:
            name = field.get_attname(model)
        if model is self.model:
            root = get_model_root(model)
            definition = field.get_definition_model(model)
            if definition is not None and definition is not root and issubclass(definition, models.Model):
                return f"{definition._meta.app_label.lower()}_{definition.__name__.lower()}__{name}"
        return name

    def field_kind(self, field, model=None) -> str:
        return filter_kind(field.get_type(model or self.model))

    @staticmethod
    def _is_multi(field, model) -> bool:
        try:
            f = model._meta.get_field(field.field_name)
        except Exception:
            return False
        return bool(f.many_to_many or f.one_to_many)

    def _walk(self, search_fields, model, prefix: str, top: bool, multi: bool):
        """Yield (kind, column, field, model, multi) for every leaf field, descending into RelatedFields."""
        for field in search_fields:
            if isinstance(field, RelatedFields):
                col = self.column(field, model) if top else field.field_name
                related = field.get_field(model).related_model
                sub_multi = multi or self._is_multi(field, model)
                yield from self._walk(field.fields, related, prefix + col + "__", False, sub_multi)
                continue
            col = prefix + (self.column(field, model) if top else field.get_attname(model))
            if isinstance(field, SearchField):
                yield "t", col, field, model, multi
            elif isinstance(field, AutocompleteField):
                yield "a", col, field, model, multi
            elif isinstance(field, FilterField):
                yield "f", col, field, model, multi or self._is_multi(field, model)

    def leaves(self):
        return list(self._walk(self.model.get_search_fields(), self.model, "", True, False))

    def whoosh_fields(self) -> dict:
        out = {}
        for kind, col, field, model, multi in self.leaves():
            if kind == "t":
                out[f"t__{col}"] = text_field()
            elif kind == "a":
                out[f"a__{col}"] = text_field(autocomplete=True)
            else:
                out[f"f__{col}"] = whoosh_filter_field(self.field_kind(field, model), multi=multi)
        return out

    def text_fields(self) -> list[tuple[str, float]]:
        """(whoosh field, boost) of the searchable fields of this model."""
        out = []
        for kind, col, field, _, _ in self.leaves():
            if kind == "t":
                out.append((f"t__{col}", float(getattr(field, "boost", None) or 1.0)))
        return out

    def autocomplete_fields(self) -> list[str]:
        return [f"a__{col}" for kind, col, *_ in self.leaves() if kind == "a"]

    def _values(self, obj, search_fields, model, prefix, top, doc, nulls):
        for field in search_fields:
            if isinstance(field, RelatedFields):
                col = self.column(field, model) if top else field.field_name
                value = field.get_value(obj)
                related = field.get_field(model).related_model
                if is_many(value):
                    items = list(value.all())
                elif value is None:
                    items = []
                else:
                    items = [value]
                sub_doc: dict = {}
                for item in items:
                    part: dict = {}
                    self._values(item, field.fields, related, prefix + col + "__", False, part, set())
                    for k, v in part.items():
                        sub_doc.setdefault(k, []).append(v)
                for k, vs in sub_doc.items():
                    if k.startswith("f__"):
                        flat = [x for v in vs for x in (v if isinstance(v, list) else [v]) if x is not None]
                        if flat:
                            doc[k] = flat
                    else:
                        doc[k] = "\n".join(v for v in vs if v)
                continue
            col = self.column(field, model) if top else field.get_attname(model)
            name = prefix + col
            value = field.get_value(obj)
            if isinstance(field, SearchField):
                doc[f"t__{name}"] = text_value(value)
            elif isinstance(field, AutocompleteField):
                doc[f"a__{name}"] = text_value(value)
            elif isinstance(field, FilterField):
                kind = self.field_kind(field, model)
                if is_many(value):
                    value = [v.pk for v in value.all()]
                if isinstance(value, (list, tuple)):
                    cleaned = [clean_filter_value(kind, v) for v in value if v is not None]
                    if cleaned:
                        doc[f"f__{name}"] = cleaned
                    else:
                        nulls.add(name)
                else:
                    cleaned = clean_filter_value(kind, value)
                    if cleaned is None:
                        nulls.add(name)
                    else:
                        doc[f"f__{name}"] = cleaned

    def document(self, obj) -> dict:
        doc: dict = {"pk": str(obj.pk), "ct": " ".join(self.content_types())}
        if isinstance(obj.pk, int):
            doc["pkn"] = obj.pk
        nulls: set[str] = set()
        self._values(obj, self.model.get_search_fields(), self.model, "", True, doc, nulls)
        if nulls:
            doc["null"] = " ".join(sorted(nulls))
        return doc
