"""Test-only models for the search backend: a plain indexed model and two page types sharing Wagtail's index."""

from django.db import models
from modelsearch import index
from modelsearch.queryset import SearchableQuerySetMixin
from wagtail.models import Page


class ArticleQuerySet(SearchableQuerySetMixin, models.QuerySet):
    pass


class Article(index.Indexed, models.Model):
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    category = models.CharField(max_length=50, blank=True)
    published = models.BooleanField(default=True)
    published_on = models.DateField(null=True, blank=True)
    views = models.IntegerField(default=0)

    objects = ArticleQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("body"),
        index.AutocompleteField("title"),
        index.FilterField("category"),
        index.FilterField("published"),
        index.FilterField("published_on"),
        index.FilterField("views"),
    ]

    def __str__(self):
        return self.title


class NewsPage(Page):
    body = models.TextField(blank=True)
    theme = models.CharField(max_length=50, blank=True)

    search_fields = Page.search_fields + [
        index.SearchField("body"),
        index.FilterField("theme"),
    ]


class EventPage(Page):
    body = models.TextField(blank=True)

    search_fields = Page.search_fields + [index.SearchField("body")]
