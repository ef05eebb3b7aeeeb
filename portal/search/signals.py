"""Index writes on save.

- An unpublished page leaves live search results at once, without waiting for the task worker.
- With a backend that writes in the database's transaction (``portal.search.postgres``), every save of an
  indexed object writes its index rows at once, in the same transaction: a published page and its index rows
  commit (or roll back) together. modelsearch's own handler still queues its task, which rewrites the same rows.
"""

from django.db.models.signals import post_save
from modelsearch.backends import get_search_backend
from modelsearch.index import get_indexed_models, insert_or_update_object
from wagtail.signals import page_unpublished


def index_unpublished_page(sender, instance, **kwargs):
    # modelsearch's post_save handler queues a task; this writes now (when the transaction commits).
    insert_or_update_object(instance)


def index_in_transaction(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if getattr(get_search_backend(), "writes_in_transaction", False):
        insert_or_update_object(instance)


def connect():
    page_unpublished.connect(index_unpublished_page, dispatch_uid="portal.search.unpublished")
    for model in get_indexed_models():
        if getattr(model, "search_auto_update", True):
            post_save.connect(
                index_in_transaction, sender=model, dispatch_uid=f"portal.search.save.{model._meta.label}"
            )
