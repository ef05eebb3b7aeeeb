"""Shared by the site and admin views: turning a refusal (no Japanese font, bad filters) into a clear 4xx/5xx page."""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from ..exports import InvalidFilters
from ..fonts import JapaneseFontMissing


def font_missing_response(request, exc: JapaneseFontMissing) -> TemplateResponse:
    """503: the server lacks a Japanese font (an operator's fix, named in the message); nothing is rendered."""
    return TemplateResponse(
        request,
        "reports/error.html",
        {"title": _("The PDF cannot be made on this server"), "message": str(exc)},
        status=503,
    )


def invalid_filters_response(request, exc: InvalidFilters) -> TemplateResponse:
    messages = [f"{name}: {' '.join(errs)}" for name, errs in exc.errors.items()]
    return TemplateResponse(
        request,
        "reports/error.html",
        {"title": _("The filters are not valid"), "message": " ".join(messages)},
        status=400,
    )
