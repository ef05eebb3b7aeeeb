"""A page form takes only the images and documents its user may choose (issue #16, item 5).

Wagtail's choosers list only what the user may choose (each municipality its own collection, the ministry every
collection: portal/accounts/workspaces.py), but the page editor accepts any id it is sent. `PageForm` — the
`base_form_class` of every page model of ours — checks, when the form is cleaned, every image and document the
page would refer to against the same rule the choosers use (Wagtail's collection permission policies,
`instances_user_has_any_permission_for(user, ["choose"])`):

- fields that are foreign keys to an image or a document, on the page and in its inline panels (a challenge's
  attachments);
- StreamField blocks (image and document choosers, text blocks' document links), and
- rich text (image embeds, document links),

found with Wagtail's own reference extraction (`extract_references`, what the reference index uses). A file the
user may not choose is an error on that field (the form comes back, nothing is saved); the message gives the file's
id, not its title. A file the page already refers to (its latest revision) stays allowed: the ministry may attach
its own file to a municipality's challenge, and the municipality must still be able to save its challenge.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import ForeignKey
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks import StreamValue
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry


def _policies() -> dict:
    """The models and the permission policies their choosers use (looked up when used: models are loaded then)."""
    return {model: policy_registry.get_by_type(model) for model in (get_document_model(), get_image_model())}


def refused_message(model, object_id) -> str:
    if model is get_image_model():
        return _("Image %(id)s is not one you may choose. Choose one of your own images.") % {"id": object_id}
    return _("Document %(id)s is not one you may choose. Choose one of your own documents.") % {
        "id": object_id
    }


def _model_field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def media_references(model_field, value):
    """(model, id, content path) of every image and document a field's value refers to."""
    media = _policies()
    if value in (None, ""):
        return
    if isinstance(model_field, ForeignKey):
        if model_field.related_model in media:
            yield model_field.related_model, str(getattr(value, "pk", value)), ""
        return
    if hasattr(model_field, "extract_references"):  # StreamField, RichTextField
        for model, object_id, _model_path, content_path in model_field.extract_references(value):
            if model in media:
                yield model, str(object_id), content_path


def choosable(user, wanted: dict) -> dict:
    """{model: ids} → {model: the ids among them the user may choose} (one query per model)."""
    media = _policies()
    allowed = {}
    for model, ids in wanted.items():
        numeric = [i for i in ids if str(i).isdigit()]
        allowed[model] = {
            str(pk)
            for pk in media[model]
            .instances_user_has_any_permission_for(user, ["choose"])
            .filter(pk__in=numeric)
            .values_list("pk", flat=True)
        }
    return allowed


class MediaChoiceFormMixin:
    """Put before WagtailAdminPageForm (or WagtailAdminModelForm): refuses images and documents the form's user may
    not choose, on the form's fields and on its inline formsets' forms."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._media_already_used = self._media_of_instance()

    def _media_of_instance(self) -> set:
        """What the page refers to before this edit (read before any cleaning changes the instance)."""
        used = set()
        instance = self.instance
        for name in self.fields:
            field = _model_field(type(instance), name)
            if field is not None and not field.many_to_many and not field.one_to_many:
                value = getattr(instance, field.attname, None)
                used.update((model, object_id) for model, object_id, _path in media_references(field, value))
        media = _policies()
        for formset in self.formsets.values():
            fields = [_model_field(formset.model, name) for name in formset.form.base_fields]
            fields = [f for f in fields if isinstance(f, ForeignKey) and f.related_model in media]
            if not fields:
                continue
            for (
                child
            ) in formset.get_queryset():  # the page's children as they were (its revision's, when editing)
                for field in fields:
                    value = getattr(child, field.attname, None)
                    used.update((m, object_id) for m, object_id, _path in media_references(field, value))
        return used

    def _found_references(self):
        """[(form, field name, model field, model, id, content path)] for this form and its formsets' forms."""
        found = []
        for name, value in self.cleaned_data.items():
            field = _model_field(self._meta.model, name)
            for model, object_id, path in media_references(field, value) if field is not None else ():
                found.append((self, name, model, object_id, path))
        for formset in self.formsets.values():
            for form in formset.forms:
                if not form.is_valid() or form.cleaned_data.get("DELETE"):
                    continue
                for name, value in form.cleaned_data.items():
                    field = _model_field(formset.model, name)
                    if isinstance(field, ForeignKey):
                        for model, object_id, path in media_references(field, value):
                            found.append((form, name, model, object_id, path))
        return found

    def clean(self):
        cleaned_data = super().clean()
        user = getattr(self, "for_user", None)
        if user is None:
            return cleaned_data
        found = [ref for ref in self._found_references() if (ref[2], ref[3]) not in self._media_already_used]
        if not found:
            return cleaned_data
        wanted = defaultdict(set)
        for _form, _name, model, object_id, _path in found:
            wanted[model].add(object_id)
        allowed = choosable(user, wanted)
        errors = defaultdict(list)  # (form, field name) → [(message, content path)]
        for form, name, model, object_id, path in found:
            if object_id not in allowed[model]:
                errors[(form, name)].append((refused_message(model, object_id), path))
        for (form, name), problems in errors.items():
            value = form.cleaned_data.get(name)
            form.add_error(name, self._field_error(value, problems))
            if form is not self:
                # The chooser would show the refused file's title when the form comes back: show it empty.
                form.data = form.data.copy()
                form.data[form.add_prefix(name)] = ""
        return cleaned_data

    @staticmethod
    def _field_error(value, problems) -> ValidationError:
        messages = list(dict.fromkeys(message for message, _path in problems))
        if not isinstance(value, StreamValue):
            return ValidationError(messages)
        # A StreamField shows the error on the block that holds the file, and above the stream.
        positions = {child.id: index for index, child in enumerate(value) if child.id}
        block_errors = {}
        for message, path in problems:
            index = positions.get((path or "").split(".")[0])
            if index is not None:
                block_errors.setdefault(index, ValidationError(message))
        return StreamBlockValidationError(block_errors=block_errors, non_block_errors=messages)


class PageForm(MediaChoiceFormMixin, WagtailAdminPageForm):
    """The base form of every page model of ours (their `base_form_class`)."""
