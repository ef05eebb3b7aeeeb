"""Search and sharing metadata: the page's title and description in the current language, its canonical URL and
the same page in every language (hreflang alternates: Japanese at /…, English at /en/…)."""

from __future__ import annotations

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, translate_url
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


# translate_url() resolves and reverses the address once per language (~a tenth of a content page's CPU): the answer
# depends on the address, the active language and the URL patterns only, so it is kept in this process's memory.
_language_urls: dict[tuple, dict[str, str]] = {}
MAX_LANGUAGE_URLS = 4096


def language_urls(request) -> dict[str, str]:
    """The current address (without query string) in each site language."""
    here = request.build_absolute_uri(request.path)
    key = (here, translation.get_language(), get_script_prefix(), get_urlconf())
    urls = _language_urls.get(key)
    if urls is None:
        urls = {code: translate_url(here, code) for code, _name in settings.LANGUAGES}
        if len(_language_urls) >= MAX_LANGUAGE_URLS:
            _language_urls.clear()
        _language_urls[key] = urls
    return urls


def _forget_language_urls(**kwargs) -> None:
    _language_urls.clear()


setting_changed.connect(_forget_language_urls, dispatch_uid="xact.programme.seo.setting_changed")


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
