"""An unpublished page leaves live search results at once, without waiting for the task worker."""

from modelsearch.index import insert_or_update_object
from wagtail.signals import page_unpublished


def index_unpublished_page(sender, instance, **kwargs):
    # modelsearch's post_save handler queues a task; this writes now (when the transaction commits).
    insert_or_update_object(instance)


def connect():
    page_unpublished.connect(index_unpublished_page, dispatch_uid="portal.search.unpublished")
