"""The site search page: /search/?q=… over the models listed in SITE_SEARCH_MODELS, with facets by type and theme."""

import logging

from django.core.paginator import Paginator
from django.shortcuts import render
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from modelsearch.backends import get_search_backend
from wagtail.models import Page
from whoosh.index import IndexError as WhooshIndexError

from portal.core.ratelimit import rate_limited

from . import analysis, results_cache, tasks
from .forms import SiteSearchForm
from .registry import searchable_models

PAGE_SIZE = 20

logger = logging.getLogger(__name__)

INDEX_REBUILDING = _(
    "The search index is being rebuilt, so some results may be missing for a while. Please try again later."
)
SEARCH_UNAVAILABLE = _("Search is not available at the moment. Please try again in a few minutes.")


def _index_incomplete(types) -> bool:
    """True when an index holds no document although the database has something to find (deleted/being rebuilt).

    Only a type that found nothing is asked, and only when no type found anything in the same index: a search that
    finds something shows its index is there, without a query."""
    backend = get_search_backend()
    indexes = [(t, backend.get_index_for_model(t["entry"].model)) for t in types]
    found = {index.get_key() for t, index in indexes if t["count"]}
    for t, index in indexes:
        if t["count"] or index.get_key() in found:
            continue
        is_empty = getattr(index, "is_empty", None)
        if is_empty is not None and is_empty() and t["queryset"].exists():
            return True
    return False


def _theme_facets(entry, results):
    if not entry.theme_field:
        return []
    counts = results.facet(entry.theme_field)
    theme_model = entry.model._meta.get_field(entry.theme_field).related_model
    names = {
        t.pk: str(t) for t in theme_model._default_manager.filter(pk__in=[k for k in counts if k is not None])
    }
    return [{"pk": pk, "name": names[pk], "count": n} for pk, n in counts.items() if pk in names]


def _restrict_to_theme(entry, queryset, theme):
    themed = entry.model._default_manager.filter(**{entry.theme_field: theme})
    # A backend that applies the queryset's filters in the database (PostgreSQL) takes them as a subquery; the
    # others need the values (one query, and a list as long as the theme's pages).
    in_database = getattr(get_search_backend(), "filters_in_database", False)
    if issubclass(entry.model, Page):
        # Page types on their path (a FilterField of every page): modelsearch drops a filter on a page type's
        # primary key (its `page_ptr_id`), so `id__in` would not narrow the search's count and ranking.
        paths = themed.values("path") if in_database else list(themed.values_list("path", flat=True))
        return queryset.filter(path__in=paths)
    pks = themed.values("pk") if in_database else list(themed.values_list("pk", flat=True))
    return queryset.filter(pk__in=pks)


@rate_limited("search", key="ip", methods=("GET", "HEAD"))
def search(request):
    form = SiteSearchForm(request.GET or None)
    context = {"form": form, "query": "", "types": [], "themes": [], "results": [], "page_obj": None}
    try:
        return _search(request, form, context)
    except (OSError, WhooshIndexError):
        # The index directory vanished or is unreadable: a normal page that says so, not a server error.
        logger.exception("site search failed; rebuild the index with `manage.py update_index` if it persists")
        context.pop("results_html", None)
        context.update(types=[], themes=[], results=[], page_obj=None, notice=SEARCH_UNAVAILABLE)
        return _render(request, context, status=503)


def _results_html(context) -> str:
    """The facets, results and pagination: no request, user or token in them, so the same for every visitor."""
    return get_template("search/_results.html").render(context)


def _render(request, context, status=200):
    if context["query"] and "results_html" not in context:
        context["results_html"] = _results_html(context)
    return render(request, "search/search.html", context, status=status)


def _search(request, form, context):
    if not form.is_valid():
        return _render(request, context)
    query = form.cleaned_data["q"]
    context["query"] = query
    if not analysis.query_phrases(query):
        return _render(request, context)

    key = token = None
    if results_cache.cache_seconds():
        key = results_cache.entry_key(
            query, form.cleaned_data["type"], form.cleaned_data["theme"], request.GET.get("page")
        )
        html, token = results_cache.lookup(key)
        if html is not None:
            # Only complete results are kept (an index being rebuilt is not cached); a rebuild may start later.
            if tasks.rebuild_requested():
                context["notice"] = INDEX_REBUILDING
            context["results_html"] = mark_safe(html)  # rendered by _results.html (autoescaped)
            return _render(request, context)
    response = _search_uncached(request, form, context, query)
    if key is not None and not context.get("notice"):
        results_cache.store(key, token, context["results_html"])
    return response


def _search_uncached(request, form, context, query):
    types = []
    for entry in searchable_models():
        queryset = entry.queryset()  # once: a page type's `public()` reads the view restrictions
        results = queryset.search(query, operator="and")
        types.append(
            {
                "key": entry.key,
                "label": entry.label,
                "count": results.count(),
                "entry": entry,
                "queryset": queryset,
                "results": results,
            }
        )
    if _index_incomplete(types):
        # Deleted or emptied (a wiped var/, a new server): the task worker rebuilds it, once.
        tasks.request_rebuild("empty or missing")
        context["notice"] = INDEX_REBUILDING
    elif tasks.rebuild_requested():
        context["notice"] = INDEX_REBUILDING
    selected = next((t for t in types if t["key"] == form.cleaned_data["type"]), None)
    selected = selected or next((t for t in types if t["count"]), None)
    context["types"] = types
    if selected is None:
        return _render(request, context)

    entry = selected["entry"]
    queryset = selected["queryset"]
    theme = form.cleaned_data["theme"]
    # The type's count, its facets and (without a theme) its page share one search: a backend keeps what it found
    # on the query (Whoosh ranks the matches once, PostgreSQL counts once).
    results = selected["results"]
    context["themes"] = _theme_facets(entry, results)
    if theme and entry.theme_field:
        results = _restrict_to_theme(entry, queryset, theme).search(query, operator="and")
    page_obj = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(
        selected=selected,
        theme=theme,
        page_obj=page_obj,
        results=[
            {
                "object": obj,
                "title": mark_safe(analysis.highlight(str(obj), query, max_chars=200)),  # escaped inside
                "snippet": mark_safe(analysis.highlight(entry.snippet_text(obj), query)),  # escaped inside
                "url": obj.get_url(request)
                if hasattr(obj, "get_url")
                else getattr(obj, "get_absolute_url", str)(),
            }
            for obj in page_obj.object_list
        ],
    )
    return _render(request, context)
