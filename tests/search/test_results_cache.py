"""The search page's cached results (portal/search/results_cache.py): a repeated search is served from the cache
without searching, and every change that alters what the page shows retires it — a publication, an edit, an
unpublication, a view restriction, a theme's new name, an index write made without a save. Both backends."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from modelsearch.backends import get_search_backend
from wagtail.models import PageViewRestriction

from portal.challenges.models import ChallengePage
from portal.core.models import Theme
from tests.challenges import factories as cf

pytestmark = pytest.mark.django_db

URL = "/search/"


@pytest.fixture(autouse=True)
def results_cache_on(settings):
    settings.SEARCH_CACHE_SECONDS = 300


@pytest.fixture
def snow(committed):
    with committed():
        return cf.challenge(title="除雪車の位置情報", summary="冬の除雪", themes=["snow-removal"])


def _get(client, params) -> tuple[int, str]:
    """The page's queries, without the rate limit's counter (kept in the database without Redis), and its HTML."""
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(URL, params).content.decode()
    queries = [
        q for q in ctx.captured_queries if "core_ratecounter" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]
    return len(queries), html


def _results(html: str) -> str:
    return html[html.index('<nav class="facets"') : html.index("</ol>")]


def test_a_repeated_search_is_served_without_searching(client, snow):
    first_queries, first = _get(client, {"q": "除雪"})
    assert "<mark>除雪</mark>車の位置情報" in first
    queries, again = _get(client, {"q": "除雪"})
    assert queries == 0 < first_queries
    assert _results(again) == _results(first)  # the rest of the page has its own CSRF token
    # Another query, type, theme or page is a search of its own.
    queries, other = _get(client, {"q": "位置情報"})
    assert queries > 0 and "<mark>位置情報</mark>" in other
    theme = Theme.objects.get(slug="snow-removal")
    queries, themed = _get(client, {"q": "除雪", "type": "challenges.challengepage", "theme": theme.pk})
    assert queries > 0 and "<strong>" in themed


def test_a_publication_and_an_edit_are_seen_at_once(client, snow, committed):
    client.get(URL, {"q": "除雪"})
    with committed():
        cf.challenge(title="除雪ボランティアの募集", themes=["snow-removal"])
    html = client.get(URL, {"q": "除雪"}).content.decode()
    assert "<mark>除雪</mark>ボランティアの募集" in html and "(2)" in html

    with committed():
        page = ChallengePage.objects.get(pk=snow.pk)
        page.title = "除雪車の運行状況"
        page.save_revision().publish()
    html = client.get(URL, {"q": "除雪"}).content.decode()
    assert "<mark>除雪</mark>車の運行状況" in html and "位置情報" not in html


def test_an_unpublished_or_restricted_page_leaves_the_cached_results(client, snow, committed):
    with committed():
        other = cf.challenge(title="除雪の担い手不足", themes=["snow-removal"])
    assert "担い手不足" in client.get(URL, {"q": "除雪"}).content.decode()
    with committed():
        ChallengePage.objects.get(pk=other.pk).unpublish()
    html = client.get(URL, {"q": "除雪"}).content.decode()
    assert "担い手不足" not in html and "位置情報" in html

    with committed():
        PageViewRestriction.objects.create(page=snow, restriction_type=PageViewRestriction.LOGIN)
    html = client.get(URL, {"q": "除雪"}).content.decode()
    assert "位置情報" not in html


def test_a_renamed_theme_is_seen_in_the_facets(client, snow, committed):
    assert "除雪・雪対策" not in client.get(URL, {"q": "除雪"}).content.decode()
    with committed():
        theme = Theme.objects.get(slug="snow-removal")
        theme.name_ja = theme.name_en = "除雪・雪対策"
        theme.save()
    assert "除雪・雪対策" in client.get(URL, {"q": "除雪"}).content.decode()


def test_an_index_write_without_a_save_retires_the_results(client, snow, committed):
    assert "位置情報" in client.get(URL, {"q": "除雪"}).content.decode()
    with committed():
        get_search_backend().delete(snow)
    assert "位置情報" not in client.get(URL, {"q": "除雪"}).content.decode()


def test_a_rolled_back_search_stores_nothing_under_the_committed_generation(client, snow, committed):
    """A change bumps the generation again when it commits: results another request rendered meanwhile, from the
    rows before the commit, are not served afterwards."""
    with committed():
        other = cf.challenge(title="除雪の担い手不足", themes=["snow-removal"], publish=False)
        # Another visitor searches while the publication is not committed yet (here: before it is made).
        assert "担い手不足" not in client.get(URL, {"q": "除雪"}).content.decode()
        other.save_revision().publish()
        # The results stored now are those of the rows this transaction sees; the commit retires them anyway.
        client.get(URL, {"q": "除雪"})
        stale, _ = _get(client, {"q": "除雪"})
        assert stale == 0
    queries, html = _get(client, {"q": "除雪"})
    assert queries > 0 and "担い手不足" in html
