"""Forms: the admin's challenge form (municipality forced to the writer's own) and the ministry's import upload."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.media_choice import PageForm

from .permissions import writable_municipality_ids

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class ChallengePageForm(PageForm):
    """Municipality staff cannot choose another municipality: the field is fixed to their organisation (and, as on
    every page, use only images and documents they may choose: portal/core/media_choice.py)."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        field = self.fields.get("municipality")
        if field is None or for_user is None:
            return
        allowed = writable_municipality_ids(for_user)
        if allowed is None:  # ministry: any municipality
            return
        field.queryset = field.queryset.filter(pk__in=allowed)
        if len(allowed) == 1:
            # A disabled field takes its value from `initial`; a new page's own initial holds None, so set both.
            field.initial = allowed[0]
            self.initial["municipality"] = allowed[0]
            field.disabled = True
        self._allowed_municipalities = allowed

    def clean_municipality(self):
        municipality = self.cleaned_data.get("municipality")
        allowed = getattr(self, "_allowed_municipalities", None)
        if allowed is not None and (municipality is None or municipality.pk not in allowed):
            raise forms.ValidationError(_("You can only write challenges for your own organisation."))
        return municipality


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        help_text=_("A CSV or XLSX file with the columns listed above."),
    )
    publish = forms.BooleanField(label=_("Publish at once"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload
