"""HTML templates to A4 PDFs with WeasyPrint, in a Japanese font found through fontconfig (embedded, subset).

    pdf_bytes = render_pdf("reports/pdf/claim_form.html", {"claim": claim}, title="旅費精算書")

Every PDF template extends reports/pdf/base.html: A4, the programme's name in the page header, "page n / N" in the
footer. `render_pdf` raises `JapaneseFontMissing` (portal/reports/fonts.py) rather than print empty boxes.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from .fonts import japanese_font

PDF_CONTENT_TYPE = "application/pdf"


def programme_name() -> str:
    return getattr(settings, "WAGTAIL_SITE_NAME", "") or "StartupXAct"


def render_html(template_name: str, context: dict, *, title: str) -> str:
    font = japanese_font()
    return render_to_string(
        template_name,
        {
            **context,
            "font_family": font.family,
            "programme_name": programme_name(),
            "document_title": title,
            "LANGUAGE_CODE": translation.get_language(),
        },
    )


def render_pdf(template_name: str, context: dict, *, title: str) -> bytes:
    """The PDF of a template (which extends reports/pdf/base.html) in the active language."""
    html = render_html(template_name, context, title=title)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def pdf_response(data: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(data, content_type=PDF_CONTENT_TYPE)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
