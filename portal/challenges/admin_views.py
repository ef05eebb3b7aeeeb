"""The ministry's import screen in the Wagtail admin: upload a CSV/XLSX, see every bad row or the imported list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .forms import ImportForm
from .importer import import_challenges


def import_view(request):
    if not request.user.has_perm("challenges.import_challenges"):
        raise PermissionDenied
    result = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = import_challenges(
                content=upload.read(),
                filename=upload.name,
                publish=form.cleaned_data["publish"],
                actor=request.user,
            )
            if result.ok:
                messages.success(
                    request,
                    ngettext("%(n)d challenge imported.", "%(n)d challenges imported.", len(result.created))
                    % {"n": len(result.created)},
                )
                return redirect("challenges_import")
            form.add_error(None, _("Nothing was imported. Fix these rows and upload the file again."))
    else:
        form = ImportForm()
    status = 400 if result is not None and not result.ok else 200
    return TemplateResponse(
        request,
        "challenges/admin/import.html",
        {"form": form, "result": result, "page_title": _("Import challenges")},
        status=status,
    )
