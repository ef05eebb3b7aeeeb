"""The PostgreSQL search backend's index (portal/search/postgres.py): one row per searchable field of an object,
the field's text as a ``tsvector`` of the Japanese analyzer's terms with their positions.

The table exists on every database (a migration is the same everywhere); on SQLite it stays empty. Its GIN index
is created on PostgreSQL only (migration 0001).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class IndexEntry(models.Model):
    index_name = models.CharField(
        _("index"), max_length=100
    )  # the root model's index, e.g. "wagtailcore_page"
    object_id = models.CharField(_("object"), max_length=64)  # the object's primary key as text
    field = models.CharField(
        _("field"), max_length=200
    )  # "t__<column>" (searchable) or "a__<column>" (autocomplete)
    # A long text is split in overlapping parts (portal/search/postgres.py).
    chunk = models.PositiveIntegerField(pgettext_lazy("search index", "part"), default=0)
    boost = models.FloatField(_("boost"), default=1.0)
    vector = SearchVectorField(_("terms"))

    class Meta:
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")
        indexes = [models.Index(fields=["index_name", "object_id"], name="search_entry_object")]

    def __str__(self):
        return f"{self.index_name} {self.object_id} {self.field} {self.chunk}"
