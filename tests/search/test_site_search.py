"""The site search page (/search/?q=) over challenges: facets by type and theme, pagination, highlighted
snippets; bad queries give a normal page. Also ChallengePage.objects.live().search("除雪") itself."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.challenges.models import ChallengePage
from portal.core.models import Theme
from tests.challenges import factories as cf

pytestmark = pytest.mark.django_db

URL = "/search/"


@pytest.fixture
def challenges(committed):
    with committed():
        snow = cf.challenge(
            title="除雪車の位置情報を住民に知らせたい",
            summary="冬の除雪状況をリアルタイムで",
            background="問い合わせが多い。",
            themes=["snow-removal"],
        )
        tourism = cf.challenge(
            title="インバウンド観光客の人流分析",
            summary="観光地の混雑",
            background="除雪後の観光ルートも知りたい。",
            themes=["tourism"],
        )
        draft = cf.challenge(title="除雪の下書き課題", publish=False, themes=["snow-removal"])
        scattered = cf.challenge(title="除草と雪まつり", summary="公園の除草", themes=["community"])
    return snow, tourism, draft, scattered


def test_challengepage_live_search_finds_japanese_words(challenges):
    snow, tourism, draft, scattered = challenges
    assert {c.pk for c in ChallengePage.objects.live().search("除雪")} == {snow.pk, tourism.pk}
    assert [c.pk for c in ChallengePage.objects.live().search("除雪車")] == [snow.pk]
    assert [c.pk for c in ChallengePage.objects.live().search("ＡＩ")] == []
    assert draft.pk in {c.pk for c in ChallengePage.objects.search("除雪")}  # the admin sees drafts


def test_challenge_title_ranks_above_background(challenges):
    snow, tourism, _, _ = challenges
    assert [c.pk for c in ChallengePage.objects.live().search("除雪")] == [snow.pk, tourism.pk]


def test_results_page_with_type_and_theme_facets_and_snippets(client, challenges):
    snow, tourism, _, scattered = challenges
    assert reverse("search:search") == URL
    response = client.get(URL, {"q": "除雪"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>除雪</mark>車の位置情報" in html
    assert "除雪の下書き課題" not in html and "除草と雪まつり" not in html
    assert "(2)" in html  # challenges: 2
    snow_theme = Theme.objects.get(slug="snow-removal")
    assert f"theme={snow_theme.pk}" in html

    response = client.get(URL, {"q": "除雪", "type": "challenges.challengepage", "theme": snow_theme.pk})
    html = response.content.decode()
    assert "車の位置情報を住民に" in html and "インバウンド観光客" not in html


def test_pagination(client, committed):
    with committed():
        for i in range(23):
            cf.challenge(title=f"見守りサービス{i}", themes=["elderly-care"])
    first = client.get(URL, {"q": "見守り"}).content.decode()
    second = client.get(URL, {"q": "見守り", "page": 2}).content.decode()
    assert first.count('class="snippet"') + first.count("<h3>") >= 20
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert second.count("<h3>") == 3


@pytest.mark.parametrize(
    "query",
    [
        "AND",
        "OR NOT",
        "NOT 除雪",
        '"除雪',
        "除雪*",
        "(除雪",
        "除雪)",
        "?~^:",
        "[除雪 TO 観光]",
        "title:除雪",
        "除雪^10",
        "!!!???...",
        "。、「」",
        "",
        "   ",
        "除" * 2000,
        "a" * 2000,
        "<script>alert(1)</script>",
        "\x00除雪",
    ],
)
def test_bad_queries_give_a_normal_page(client, challenges, query):
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content


def test_bad_parameters_give_a_normal_page(client, challenges):
    for params in (
        {"q": "除雪", "page": "x"},
        {"q": "除雪", "theme": "abc"},
        {"q": "除雪", "type": "nope"},
        {"q": "除雪", "page": "9999"},
    ):
        assert client.get(URL, params).status_code == 200


def test_english_prefix(client, challenges):
    assert client.get("/en/search/", {"q": "除雪"}).status_code == 200


def test_search_page_button_looks_like_the_catalogues(client):
    """Like the catalogue's filters: a styled action, not the browser's bare grey button."""
    html = client.get("/search/").content.decode()
    assert '<button type="submit" class="button">検索</button>' in html


def _live_challenges(n: int, committed) -> None:
    """`n` live challenges about snow removal, added as live pages (no revisions: the page and its index entry are
    what the search page reads), half of them in a second theme."""
    index = cf.index_page()
    municipality = cf.municipality()
    themes = {t.slug: t for t in Theme.objects.filter(slug__in=["snow-removal", "tourism"])}
    now = timezone.now()
    with committed():
        for i in range(n):
            page = ChallengePage(
                title=f"除雪の課題{i}",
                slug=f"snow-{i}",
                municipality=municipality,
                summary="冬の除雪",
                background="除雪車が足りない。" * 5,
                desired_outcome="除雪の効率化",
                application_opens=now - dt.timedelta(days=1),
                application_closes=now + dt.timedelta(days=30),
                live=True,
            )
            page.themes = [themes["snow-removal"], *([themes["tourism"]] if i % 2 else [])]
            index.add_child(instance=page)


def _page_queries(client, params) -> tuple[int, str]:
    """The page's queries (the rate limit's counter, kept in the database without Redis, left out: it starts a new
    window now and then) and its HTML."""
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(URL, params).content.decode()
    page = [
        q for q in ctx.captured_queries if "core_ratecounter" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]
    return len(page), html


@pytest.mark.parametrize("n", [10, 100])
def test_search_page_query_count_is_fixed(n, client, committed):
    """The page (type counts, theme facet, a page of highlighted results) costs the same number of queries
    whatever the number of results; a type that found something needs no check that its index exists. Whoosh
    counts and facets without SQL; PostgreSQL counts each type, the themes and the page in SQL."""
    _live_challenges(n, committed)
    theme = Theme.objects.get(slug="tourism")
    client.get(URL, {"q": "除雪"})  # the site's root paths, once
    ceiling = 9 if connection.vendor == "postgresql" else 5
    queries, html = _page_queries(client, {"q": "除雪"})
    assert queries <= ceiling
    assert html.count("<h3>") == min(n, 20) and "<mark>除雪</mark>" in html
    assert f"theme={theme.pk}" in html and f"({n // 2})" in html
    queries, html = _page_queries(
        client, {"q": "除雪", "type": "challenges.challengepage", "theme": theme.pk}
    )
    # A theme adds one query: on PostgreSQL the themed type's own count (the theme's pages are a subquery in it),
    # on Whoosh the theme's page paths (the index filters on their values).
    assert queries <= ceiling + 1
    assert html.count("<h3>") == min(n // 2, 20)
