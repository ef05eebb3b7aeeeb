"""sitemap.xml: every live, public page in Japanese and in English, each entry with its hreflang alternates."""

from __future__ import annotations

from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from wagtail.contrib.sitemaps import Sitemap


class BilingualSitemap(Sitemap):
    def _urls(self, page, protocol, domain):
        # The sitemap is served outside the language prefixes: build the Japanese (default) addresses first,
        # whatever language the visitor's browser asked for, then derive the other languages from them.
        with translation.override(settings.LANGUAGE_CODE):
            base_urls = super()._urls(page, protocol, domain)
            urls = []
            for info in base_urls:
                by_language = {
                    code: translate_url(info["location"], code) for code, _name in settings.LANGUAGES
                }
                alternates = [{"lang_code": code, "location": url} for code, url in by_language.items()]
                alternates.append({"lang_code": "x-default", "location": by_language[settings.LANGUAGE_CODE]})
                for url in by_language.values():
                    urls.append({**info, "location": url, "alternates": alternates})
        return urls
