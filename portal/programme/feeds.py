"""RSS 2.0 and Atom 1.0 feeds of the news (お知らせ): live, public items only, in the language of the address."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from portal.core.fiscal import JST

from . import selectors


class NewsRssFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return selectors.news_index()

    def title(self, index):
        return _("StartupXAct news")

    def description(self, index):
        return (index.localized_intro if index else "") or _(
            "News from the startup–municipality matching programme."
        )

    def link(self, index):
        return index.get_url(self.request) if index else "/"

    def items(self, index):
        return selectors.feed_news()

    def item_title(self, item):
        return item.localized_title

    def item_description(self, item):
        return item.localized_intro

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_guid(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        return dt.datetime.combine(item.date, dt.time(0, 0), tzinfo=JST)

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [str(item.get_category_display())]


class NewsAtomFeed(NewsRssFeed):
    feed_type = Atom1Feed
    subtitle = NewsRssFeed.description
