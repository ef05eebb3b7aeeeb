"""The site shell's fixed parts (brand, navigation sections, the language buttons, the footer), rendered once per
process for each language and variant instead of on every page (issue #20: ~22 `{% url %}` and ~30 translations
per page).

`fragment(template_name, **variant)` renders the template with a context of its own that holds only the variant's
values, `SITE_NAME` and the language: nothing of the request, the user, the session or the CSRF token can reach a
kept fragment (a `{% csrf_token %}` in one renders nothing), so one visitor's fragment is every visitor's. What
belongs to a user (their name, unread counts, the log-out and language forms' CSRF tokens, the address they are
on) stays outside, in the calling template, and is rendered for every request.

A fragment depends on the code only (templates, URL patterns, translations, settings), never on the database: it is
kept in this process's memory, under the template, the language, the URL prefix and the variant, and dropped when
a setting changes (tests' `override_settings`) or the development server sees a file change. Variants are small
sets of values (a section name, signed in or not); the memory holds at most MAX_ENTRIES fragments.
"""

from __future__ import annotations

from django.conf import settings
from django.core.signals import setting_changed
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.autoreload import file_changed
from django.utils.safestring import SafeString, mark_safe

MAX_ENTRIES = 512

_fragments: dict[tuple, SafeString] = {}
_urls: dict[tuple, dict[str, str]] = {}


def _where() -> tuple:
    return (translation.get_language(), get_script_prefix(), get_urlconf())


def fragment(template_name: str, **variant) -> SafeString:
    """The template rendered with only `variant`, SITE_NAME and LANGUAGE_CODE, once per language and variant."""
    where = _where()
    key = (template_name, where, tuple(sorted(variant.items())))
    html = _fragments.get(key)
    if html is None:
        context = {**variant, "SITE_NAME": settings.WAGTAIL_SITE_NAME, "LANGUAGE_CODE": where[0]}
        html = mark_safe(get_template(template_name).render(context))
        if len(_fragments) >= MAX_ENTRIES:
            _fragments.clear()
        _fragments[key] = html
    return html


# The shell's own addresses (what the navigation links to and tells the current section by).
SHELL_URLS = {
    "home": ("wagtail_serve", ("",)),
    "challenges": ("wagtail_serve", ("challenges/",)),
    "news": ("wagtail_serve", ("news/",)),
    "startups": ("startups:startup_list", ()),
    "results": ("results", ()),
    "search": ("search:search", ()),
    "mypage": ("startups:mypage", ()),
    "account": ("accounts:account", ()),
    "login": ("accounts:login", ()),
    "logout": ("accounts:logout", ()),
    "register": ("accounts:register", ()),
    "set_language": ("set_language", ()),
    "admin": ("wagtailadmin_home", ()),
}


def shell_urls() -> dict[str, str]:
    """SHELL_URLS reversed once per language and URL prefix."""
    where = _where()
    urls = _urls.get(where)
    if urls is None:
        urls = {name: reverse(view, args=args) for name, (view, args) in SHELL_URLS.items()}
        _urls[where] = urls
    return urls


# A section is current when the path is its address (or, for the catalogue and the news, below it).
_SECTIONS_BELOW = ("challenges", "news")


def current_sections(path: str) -> tuple[str, ...]:
    """The main navigation's sections the path is in (usually one or none), as the navigation marks them."""
    urls = shell_urls()
    return tuple(
        name
        for name in ("challenges", "startups", "results", "news", "search")
        if (urls[name] in path if name in _SECTIONS_BELOW else path == urls[name])
    )


def forget(**kwargs) -> None:
    """Drop every kept fragment and address (a setting or a file changed)."""
    _fragments.clear()
    _urls.clear()


setting_changed.connect(forget, dispatch_uid="xact.core.fragments.setting_changed")
file_changed.connect(forget, dispatch_uid="xact.core.fragments.file_changed")
