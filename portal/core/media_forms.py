"""Wagtail's image and document forms, writing the new file while the form is validated.

Wagtail's admin views — add and edit, the chooser's upload in the page editor, the multiple uploader that answers
JSON — write the file in `form.save()`, after `is_valid()`, where an `OSError` (a full disk) is a 500; replacing a
document's file even deleted the old file before writing the new one. These forms write the file at the end of
validation instead, once everything else in the form is valid: a full disk becomes an error on the file field,
which each of those views already shows its own way (the form again with what was typed, the multiple uploader's
error under the file), and the old file is only deleted after the new one is stored. The views are Wagtail's,
unchanged; settings point WAGTAILIMAGES_IMAGE_FORM_BASE and WAGTAILDOCS_DOCUMENT_FORM_BASE here.

A new document is also checked by its content (portal/core/uploads.py): it must be what its name says.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from .storage import storage_error
from .uploads import check_content_matches_name


class StoreFileWhenValidMixin:
    def _post_clean(self):
        super()._post_clean()
        if self._errors or "file" not in self.fields or "file" not in self.changed_data:
            return
        field_file = self.instance.file
        if not field_file or field_file._committed:
            return
        try:
            # What the model field's pre_save would do in save(); SafeFileSystemStorage keeps nothing on failure.
            field_file.save(field_file.name, field_file.file, save=False)
        except OSError as exc:
            self.add_error("file", storage_error(exc))


class ImageForm(StoreFileWhenValidMixin, BaseImageForm):
    pass


class DocumentForm(StoreFileWhenValidMixin, BaseDocumentForm):
    def clean_file(self):
        """A new file must be what its name says, read from its content, like the site's uploads (an HTML page
        named call.pdf would be served to the public as a document)."""
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            check_content_matches_name(upload)
        return upload
