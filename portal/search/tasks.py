"""Index writes that could not be applied at once (the index was locked by a rebuild) are retried here."""

from django.apps import apps
from django_tasks import task
from modelsearch.index import insert_or_update_object, remove_object


@task()
def index_object(app_label: str, model_name: str, pk: str, action: str) -> None:
    """Bring one object's index entry up to date with the database (add/update, or delete if it is gone)."""
    model = apps.get_model(app_label, model_name)
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        remove_object(model(pk=pk))
    else:
        insert_or_update_object(obj)
