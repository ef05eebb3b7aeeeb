"""Editorial pages: ContentPage (overview, how to apply, FAQ, terms …) and news (お知らせ) with categories and feeds."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from portal.core.calendar import today_jst
from portal.core.i18n import localized_value
from portal.core.pagecache import CachedPageMixin

from ..blocks import ContentStreamBlock
from .base import BilingualPage

NEWS_PER_PAGE = 20


def body_field(verbose_name):
    return StreamField(ContentStreamBlock(), verbose_name=verbose_name, blank=True)


class BodyMixin:
    """Japanese and English bodies of the same blocks; the English one is optional and falls back to Japanese."""

    @property
    def localized_body(self):
        return localized_value(self, "body")


class ContentPage(CachedPageMixin, BilingualPage, BodyMixin):
    """A page the ministry's editors compose from blocks: programme overview, how to apply, FAQ, terms …

    Its body, and for visitors without a session the whole page, are kept in the cache (portal/core/pagecache.py).
    """

    body = body_field(_("body"))
    body_en = body_field(_("body (English)"))

    parent_page_types = ["core.HomePage", "programme.ContentPage"]
    subpage_types = ["programme.ContentPage"]
    template = "programme/content_page.html"
    content_panels = (
        BilingualPage.content_panels
        + BilingualPage.title_panels
        + [
            FieldPanel("intro"),
            FieldPanel("intro_en"),
            FieldPanel("body"),
            FieldPanel("body_en"),
        ]
    )
    search_fields = BilingualPage.search_fields + [
        index.SearchField("title_en"),
        index.SearchField("intro"),
        index.SearchField("intro_en"),
        index.SearchField("body"),
        index.SearchField("body_en"),
    ]

    class Meta:
        verbose_name = _("content page")
        verbose_name_plural = _("content pages")


class NewsCategory(models.TextChoices):
    NOTICE = "notice", _("notice")
    CALL = "call", _("call for entries")
    EVENT = "event", _("event")
    RESULTS = "results", _("results")
    PRESS = "press", _("press release")


def _today_jst():
    return today_jst()


class NewsIndexPage(BilingualPage):
    """/news/: news items, newest first, filtered by category, with RSS and Atom feeds."""

    parent_page_types = ["core.HomePage"]
    subpage_types = ["programme.NewsPage"]
    max_count = 1
    template = "programme/news_index_page.html"
    content_panels = (
        BilingualPage.content_panels
        + BilingualPage.title_panels
        + [
            FieldPanel("intro"),
            FieldPanel("intro_en"),
        ]
    )

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = NewsPage.objects.live().public().child_of(self).order_by("-date", "-pk")
        category = request.GET.get("category", "")
        if category in NewsCategory.values:
            items = items.filter(category=category)
        else:
            category = ""
        paginator = Paginator(items, NEWS_PER_PAGE)
        context.update(
            news_page=paginator.get_page(request.GET.get("page")),
            categories=NewsCategory.choices,
            current_category=category,
        )
        return context


class NewsPage(BilingualPage, BodyMixin):
    """One news item (お知らせ)."""

    date = models.DateField(_("publication date"), default=_today_jst, db_index=True)
    category = models.CharField(
        _("category"), max_length=16, choices=NewsCategory.choices, default=NewsCategory.NOTICE
    )
    body = body_field(_("body"))
    body_en = body_field(_("body (English)"))

    parent_page_types = ["programme.NewsIndexPage"]
    subpage_types: list[str] = []
    template = "programme/news_page.html"
    content_panels = (
        BilingualPage.content_panels
        + BilingualPage.title_panels
        + [
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("date"), FieldPanel("category")])], heading=_("Publication")
            ),
            FieldPanel("intro"),
            FieldPanel("intro_en"),
            FieldPanel("body"),
            FieldPanel("body_en"),
        ]
    )
    search_fields = BilingualPage.search_fields + [
        index.SearchField("title_en"),
        index.SearchField("intro"),
        index.SearchField("intro_en"),
        index.SearchField("body"),
        index.SearchField("body_en"),
        index.FilterField("date"),
        index.FilterField("category"),
    ]

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
