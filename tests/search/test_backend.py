"""The Whoosh backend behind Wagtail's search API: filters, types, operators, ordering, slicing, autocomplete."""

import datetime

import pytest
from django.core.management import call_command
from modelsearch.backends.base import FilterFieldError
from wagtail.models import Page

from tests.search.testapp.models import Article, EventPage, NewsPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(committed):
    with committed():
        data = [
            ("除雪車の位置情報", "札幌市の冬の道路。", "snow", True, datetime.date(2024, 1, 10), 50),
            ("除雪の費用削減", "AIで除雪ルートを最適化する。", "snow", True, datetime.date(2024, 2, 1), 10),
            (
                "観光客の人流分析",
                "インバウンド観光の人流データ。",
                "tourism",
                True,
                datetime.date(2023, 5, 1),
                30,
            ),
            ("子育て世帯へのイベント通知", "LINEで子育て情報を配信。", "family", False, None, 5),
            (
                "Snow removal dashboard",
                "Open data for snow removal routes.",
                "snow",
                True,
                datetime.date(2022, 12, 1),
                80,
            ),
        ]
        return [
            Article.objects.create(title=t, body=b, category=c, published=p, published_on=d, views=v)
            for t, b, c, p, d, v in data
        ]


def titles(results):
    return [r.title for r in results]


def test_filters_on_declared_filter_fields(articles):
    assert titles(Article.objects.filter(category="snow").search("除雪")) == [
        "除雪の費用削減",
        "除雪車の位置情報",
    ] or set(titles(Article.objects.filter(category="snow").search("除雪"))) == {
        "除雪の費用削減",
        "除雪車の位置情報",
    }
    assert titles(Article.objects.filter(category="tourism").search("除雪")) == []
    assert set(titles(Article.objects.filter(published=False).search("子育て"))) == {
        "子育て世帯へのイベント通知"
    }
    assert titles(Article.objects.filter(published=True).search("子育て")) == []
    assert set(titles(Article.objects.filter(views__gte=30).search("除雪 OR snow", operator="or"))) == {
        "除雪車の位置情報",
        "Snow removal dashboard",
    }
    assert set(titles(Article.objects.filter(published_on__year=2024).search("除雪"))) == {
        "除雪車の位置情報",
        "除雪の費用削減",
    }
    assert set(titles(Article.objects.filter(published_on__isnull=True).search("子育て"))) == {
        "子育て世帯へのイベント通知"
    }
    assert set(titles(Article.objects.exclude(category="snow").search("人流 子育て", operator="or"))) == {
        "観光客の人流分析",
        "子育て世帯へのイベント通知",
    }
    assert set(
        titles(Article.objects.filter(category__in=["family", "tourism"]).search("LINE 人流", operator="or"))
    ) == {
        "観光客の人流分析",
        "子育て世帯へのイベント通知",
    }


def test_filter_on_undeclared_field_is_refused(articles):
    with pytest.raises(FilterFieldError):
        Article.objects.filter(body="x").search("除雪")


def test_operator_and_or(articles):
    assert titles(Article.objects.search("除雪 AI")) == ["除雪の費用削減"]
    assert titles(Article.objects.search("除雪 AI", operator="and")) == ["除雪の費用削減"]
    assert set(titles(Article.objects.search("除雪 インバウンド", operator="or"))) == {
        "除雪車の位置情報",
        "除雪の費用削減",
        "観光客の人流分析",
    }
    assert titles(Article.objects.search("除雪 インバウンド", operator="and")) == []


def test_ordering_by_field_and_relevance(articles):
    by_views = Article.objects.order_by("-views").search("除雪 snow", operator="or", order_by_relevance=False)
    assert titles(by_views) == ["Snow removal dashboard", "除雪車の位置情報", "除雪の費用削減"]
    by_date = Article.objects.order_by("published_on").search("除雪", order_by_relevance=False)
    assert titles(by_date) == ["除雪車の位置情報", "除雪の費用削減"]
    # Relevance: a title match (boost 3) ranks above a body-only match.
    with_body = titles(Article.objects.search("ルート"))
    assert with_body == ["除雪の費用削減"]
    ranked = titles(Article.objects.search("除雪"))
    assert set(ranked) == {"除雪車の位置情報", "除雪の費用削減"}


def test_slicing_and_counts_like_wagtail(articles):
    results = Article.objects.search("除雪 snow 人流 子育て", operator="or")
    assert results.count() == 5
    assert len(results[1:3]) == 2
    assert results[1:3].count() == 2
    assert results[4:].count() == 1
    assert results[10:].count() == 0
    assert list(results[10:]) == []
    first = results[0]
    assert first == list(results)[0]
    assert [a.pk for a in results[0:2]] + [a.pk for a in results[2:5]] == [a.pk for a in results]


def test_score_annotation(articles):
    results = list(Article.objects.search("除雪").annotate_score("_score"))
    assert all(r._score > 0 for r in results)
    assert results == sorted(results, key=lambda r: -r._score)


def test_autocomplete_prefixes(articles):
    assert titles(Article.objects.autocomplete("Sno")) == ["Snow removal dashboard"]
    assert titles(Article.objects.autocomplete("snow remo")) == ["Snow removal dashboard"]
    assert set(titles(Article.objects.autocomplete("除"))) == {"除雪車の位置情報", "除雪の費用削減"}
    assert titles(Article.objects.autocomplete("子育")) == ["子育て世帯へのイベント通知"]
    # Autocomplete looks at AutocompleteField only (title), not the body.
    assert titles(Article.objects.autocomplete("ルート")) == []


def test_facet_counts(articles):
    facets = Article.objects.search("除雪 snow 人流", operator="or").facet("category")
    assert dict(facets) == {"snow": 3, "tourism": 1}
    assert list(facets)[0] == "snow"


def test_fields_restriction(articles):
    assert titles(Article.objects.search("ルート", fields=["title"])) == []
    assert titles(Article.objects.search("ルート", fields=["body"])) == ["除雪の費用削減"]


@pytest.fixture
def pages(committed):
    root = Page.objects.get(depth=1)
    with committed():
        news = root.add_child(instance=NewsPage(title="除雪のお知らせ", body="除雪車の運行", theme="snow"))
        event = root.add_child(instance=EventPage(title="除雪ボランティア", body="除雪体験"))
        draft = root.add_child(
            instance=NewsPage(title="除雪の下書き", body="未公開", theme="snow", live=False)
        )
    return news, event, draft


def test_page_type_search_returns_only_that_type(pages):
    news, event, draft = pages
    assert {p.pk for p in NewsPage.objects.search("除雪")} == {news.pk, draft.pk}
    assert [p.pk for p in EventPage.objects.search("除雪")] == [event.pk]
    assert {p.pk for p in Page.objects.search("除雪")} == {news.pk, event.pk, draft.pk}
    # A search on all pages also looks into the page types' body fields.
    assert [p.pk for p in Page.objects.search("体験")] == [event.pk]


def test_live_filter_and_subclass_filter_field(pages):
    news, event, draft = pages
    assert {p.pk for p in Page.objects.live().search("除雪")} == {news.pk, event.pk}
    assert [p.pk for p in NewsPage.objects.live().search("除雪")] == [news.pk]
    assert [p.pk for p in NewsPage.objects.filter(theme="snow").live().search("運行")] == [news.pk]
    assert Page.objects.live().search("除雪").count() == 2
    root = Page.objects.get(depth=1)
    assert {p.pk for p in Page.objects.descendant_of(root).live().search("除雪")} == {news.pk, event.pk}


def test_update_index_command_rebuilds(pages, articles, backend):
    backend.get_index_for_model(Page).reset()
    backend.get_index_for_model(Article).reset()
    assert Page.objects.search("除雪").count() == 0
    call_command("update_index", verbosity=0)
    assert Page.objects.search("除雪").count() == 3
    assert Article.objects.search("除雪").count() == 2
