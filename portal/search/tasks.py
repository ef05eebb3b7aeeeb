"""Index writes that could not be applied at once (the index was locked by a rebuild) are retried here, and a
rebuild is run when the site finds the index gone."""

import io
import logging

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django_tasks import task
from modelsearch.index import insert_or_update_object, remove_object

from . import results_cache

logger = logging.getLogger(__name__)

REBUILD_REQUESTED_KEY = "xact:search:rebuild-requested"


@task()
def index_object(app_label: str, model_name: str, pk: str, action: str) -> None:
    """Bring one object's index entry up to date with the database (add/update, or delete if it is gone)."""
    model = apps.get_model(app_label, model_name)
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        remove_object(model(pk=pk))
    else:
        insert_or_update_object(obj)
    results_cache.bump()  # whatever the backend (OpenSearch's writes are not ours)


@task()
def rebuild_index() -> None:
    """``manage.py update_index``, run by the task worker (searches keep the old index until it is replaced). A
    failed rebuild leaves the request in place until it expires, so a failing rebuild is not retried per search."""
    call_command("update_index", stdout=io.StringIO(), stderr=io.StringIO())
    cache.delete(REBUILD_REQUESTED_KEY)
    results_cache.bump()


def request_rebuild(reason: str) -> bool:
    """Queue one rebuild for the task worker, unless one was queued in the last ``SEARCH_AUTO_REBUILD_SECONDS``
    (every search of a visitor would otherwise ask again). True if this call queued it."""
    seconds = int(getattr(settings, "SEARCH_AUTO_REBUILD_SECONDS", 600))
    if not seconds or not cache.add(REBUILD_REQUESTED_KEY, reason, seconds):
        return False
    logger.warning("search index %s: rebuild queued for the task worker", reason)
    transaction.on_commit(rebuild_index.enqueue)
    return True


def rebuild_requested() -> bool:
    return cache.get(REBUILD_REQUESTED_KEY) is not None
