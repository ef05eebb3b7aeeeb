"""Index writes on save.

- An unpublished page leaves live search results at once, without waiting for the task worker.
- With a backend that writes in the database's transaction (``portal.search.postgres``), every save of an
  indexed object writes its index rows at once, in the same transaction: a published page and its index rows
  commit (or roll back) together. modelsearch's own handler still queues its task, which rewrites the same rows.
"""

from django.db.models.signals import post_save
from modelsearch.backends import get_search_backend
from modelsearch.index import get_indexed_models, insert_or_update_object
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from . import results_cache
from .registry import searchable_models


def index_unpublished_page(sender, instance, **kwargs):
    # modelsearch's post_save handler queues a task; this writes now (when the transaction commits).
    insert_or_update_object(instance)


def index_in_transaction(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if getattr(get_search_backend(), "writes_in_transaction", False):
        insert_or_update_object(instance)


def _retire_results(sender, **kwargs):
    results_cache.bump()


def connect():
    page_unpublished.connect(index_unpublished_page, dispatch_uid="portal.search.unpublished")
    # The search page's cached results (portal/search/results_cache.py): whatever can change what it shows.
    facet_models = [
        entry.model._meta.get_field(entry.theme_field).related_model
        for entry in searchable_models()
        if entry.theme_field
    ]
    results_cache.connect({*get_indexed_models(), Page, PageViewRestriction, Site, Locale, *facet_models})
    for name, signal in (
        ("published", page_published),
        ("unpublished", page_unpublished),
        ("moved", post_page_move),
        ("slug", page_slug_changed),
    ):
        signal.connect(_retire_results, dispatch_uid=f"portal.search.results.{name}")
    for model in get_indexed_models():
        if getattr(model, "search_auto_update", True):
            post_save.connect(
                index_in_transaction, sender=model, dispatch_uid=f"portal.search.save.{model._meta.label}"
            )
