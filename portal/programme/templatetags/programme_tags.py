"""Template tags for programme pages and for the home page: language-aware fields, the current round, news, results."""

from django import template
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from portal.core.calendar import fiscal_year_label
from portal.core.i18n import localized_value

from .. import results, schedule, selectors

register = template.Library()


@register.filter
def localized(obj, field: str):
    """{{ page|localized:"title" }}: the English field under /en/ when it is filled in, else the Japanese one."""
    return localized_value(obj, field)


@register.simple_tag
def bilingual(obj, field: str = "title"):
    """{% bilingual page "summary" %}: the English field under /en/ when it is filled in; otherwise the Japanese text
    marked lang="ja" with a visible "Available in Japanese only" (so a reader knows the English is missing, and
    screen readers switch voice)."""
    value = getattr(obj, field, "") or ""
    if translation.get_language() != "en":
        return value
    english = getattr(obj, f"{field}_en", None)
    if english:
        return english
    if not value:
        return ""
    return format_html(
        '<span lang="ja">{}</span> <span class="badge badge-ja-only">{}</span>',
        value,
        _("Available in Japanese only"),
    )


@register.filter
def fiscal_year(year):
    """{{ 2026|fiscal_year }}: 令和8年度 in Japanese, as the programme names its years; FY2026 in English."""
    if year in (None, ""):
        return ""
    return fiscal_year_label(year)


@register.simple_tag
def current_round():
    return selectors.current_round()


@register.simple_tag
def round_now(round_page):
    """The round's current step (None between steps) and next step, judged on today's date in JST."""
    if round_page is None:
        return {}
    states = round_page.schedule_at(timezone.now())
    return {
        "current": next((s for s, state in states if state == schedule.CURRENT), None),
        "next": next((s for s, state in states if state == schedule.UPCOMING), None),
        "schedule": states,
    }


@register.simple_tag
def latest_news(limit=3):
    return selectors.latest_news(limit)


@register.simple_tag
def news_index():
    return selectors.news_index()


@register.simple_tag
def round_index():
    return selectors.round_index()


@register.simple_tag
def guide_pages(home):
    return selectors.guide_pages(home)


@register.inclusion_tag("programme/includes/results.html")
def round_results(round_page):
    """A round's results from the registered providers (tracker) and the figures reported before the portal."""
    values = round_page.result_figures() if round_page else {}
    return {"figures": results.as_figures(values) if results.has_results(values) else []}


@register.inclusion_tag("programme/includes/results.html")
def results_so_far():
    return {"figures": selectors.results_so_far(), "so_far": True}
