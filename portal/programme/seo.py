"""Search and sharing metadata: the page's title and description in the current language, its canonical URL and
the same page in every language (hreflang alternates: Japanese at /…, English at /en/…)."""

from __future__ import annotations

from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Page

from portal.core.i18n import in_reader_language, reader_language

from .models import NewsPage

OG_LOCALES = {"ja": "ja_JP", "en": "en_US"}


def page_title(page) -> str:
    if page is None:
        return ""
    return in_reader_language(page.seo_title or page.title, getattr(page, "title_en", "") or page.title)


def page_description(page) -> str:
    """The search description in the current language, else the page's introduction or lead."""
    if page is None:
        return ""
    english = translation.get_language() == "en"
    candidates = (
        ["search_description_en", "intro_en", "lead_en", "search_description", "intro", "lead"]
        if english
        else ["search_description", "intro", "lead"]
    )
    for name in candidates:
        value = getattr(page, name, "")
        if value and isinstance(value, str):
            return value
    return ""


def language_urls(request) -> dict[str, str]:
    """The current address (without query string) in each site language."""
    here = request.build_absolute_uri(request.path)
    return {code: translate_url(here, code) for code, _name in settings.LANGUAGES}


def seo_context(request, page=None) -> dict:
    if not isinstance(page, Page):  # plain views may have other things called "page" (a paginator's page)
        page = None
    language = reader_language()
    urls = language_urls(request)
    return {
        "title": page_title(page),
        "description": page_description(page),
        "canonical": urls.get(language, request.build_absolute_uri(request.path)),
        "alternates": [{"lang": code, "url": url} for code, url in urls.items()],
        "x_default": urls.get(settings.LANGUAGE_CODE),
        "og_locale": OG_LOCALES.get(language, language),
        "og_locale_alternates": [OG_LOCALES.get(c, c) for c in urls if c != language],
        "og_type": "article" if isinstance(page, NewsPage) else "website",
    }
