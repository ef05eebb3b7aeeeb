"""Thin views: the news feeds. A feed object keeps the request for building absolute links, so each request gets
its own instance."""

from django.views.decorators.http import require_GET

from .feeds import NewsAtomFeed, NewsRssFeed


@require_GET
def news_rss(request):
    return NewsRssFeed()(request)


@require_GET
def news_atom(request):
    return NewsAtomFeed()(request)
