"""The catalogue's caches: what a publication makes stale and what it leaves alone, one re-render at a time, and a
fixed number of queries at 10 and 100 challenges whether a page comes from the cache or not."""

import datetime as dt
import re
import time

import numpy as np
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from wagtail.models import PageViewRestriction

from portal.challenges import catalogue, facet_index
from portal.challenges.models import ChallengePage
from portal.challenges.services import challenge_record_outcome
from portal.core.models import Theme
from tests import factories
from tests.challenges import factories as cf

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.CHALLENGES_CACHE_SECONDS = 60


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        takamatsu = cf.municipality("372013", "高松市")
        sapporo = cf.municipality("011002", "札幌市")
        cf.challenge(municipality_org=takamatsu, title="レンタサイクル", themes=["tourism", "mobility"])
        cf.challenge(municipality_org=sapporo, title="除雪車の位置情報", themes=["snow-removal"])
        cf.challenge(municipality_org=sapporo, title="観光データ", themes=["tourism"])
    return {"takamatsu": takamatsu, "sapporo": sapporo}


def _facet_count(html: str, name: str, value: str) -> int:
    """The count a visitor reads next to a facet value's link (0 when the value is shown without a link)."""
    found = re.search(
        rf'href="\?(?:[^"]*&amp;)?{name}={value}(?:&amp;[^"]*)?"[^>]*>[^<]*</a> <span class="count">\((\d+)\)',
        html,
    )
    return int(found.group(1)) if found else 0


def _visit(url: str):
    response = Client().get(url)
    assert response.status_code == 200
    return response, response.content.decode()


def test_publishing_changes_the_counts_a_visitor_sees(cached, world):
    _, html = _visit("/challenges/")
    assert _facet_count(html, "theme", "snow-removal") == 1
    assert _visit("/challenges/")[0]["X-Catalogue-Cache"] == "hit"

    new = cf.challenge(municipality_org=world["sapporo"], title="雪の課題", themes=["snow-removal"])
    response, html = _visit("/challenges/")
    assert "X-Catalogue-Cache" not in response
    assert _facet_count(html, "theme", "snow-removal") == 2 and "雪の課題" in html
    assert _facet_count(html, "status", "open") == 4

    challenge_record_outcome(challenge=new, outcome="no_match")
    _, html = _visit("/challenges/?theme=snow-removal")
    assert _facet_count(html, "status", "open") == 1 and _facet_count(html, "status", "no_match") == 1

    new.unpublish()
    _, html = _visit("/challenges/")
    assert _facet_count(html, "theme", "snow-removal") == 1 and "雪の課題" not in html


def test_a_republished_challenge_gets_a_new_card_the_others_come_from_the_cache(cached, world):
    _visit("/challenges/?theme=tourism")
    page = ChallengePage.objects.get(title="観光データ")
    page.title = "観光データの分析"
    page.save_revision().publish()
    with CaptureQueriesContext(connection) as ctx:
        _, html = _visit("/challenges/?theme=tourism")
    assert "観光データの分析" in html and "レンタサイクル" in html and html.count("challenge-card") == 2
    # Only the republished challenge's card is read and rendered again.
    reads = [q["sql"] for q in ctx.captured_queries if "challenges_challengepage_themes" in q["sql"]]
    assert len(reads) == 1 and f"IN ({page.pk})" in reads[0]


def test_unrelated_filter_combinations_keep_their_cache(cached, world):
    unrelated = "/challenges/?theme=snow-removal&prefecture=01"  # the new challenge matches neither filter
    related = "/challenges/?theme=mobility&prefecture=01"  # the new challenge is in the theme
    for url in (unrelated, related):
        _visit(url)
        assert _visit(url)[0]["X-Catalogue-Cache"] == "hit"
    logged_in = Client()
    logged_in.force_login(factories.user())
    before_fragment = logged_in.get(unrelated).content.decode()

    cf.challenge(municipality_org=world["takamatsu"], title="自転車の課題", themes=["mobility"])

    assert _visit(unrelated)[0]["X-Catalogue-Cache"] == "hit"
    assert logged_in.get(unrelated).content.decode().count("challenge-card") == before_fragment.count(
        "challenge-card"
    )
    response, html = _visit(related)
    assert "X-Catalogue-Cache" not in response
    # The prefecture facet (other filters applied: theme=mobility) now counts the new challenge in Kagawa.
    assert _facet_count(html, "prefecture", "37") == 2
    # A page filtered by one facet shows every facet's counts: any publication renews it.
    assert "X-Catalogue-Cache" not in _visit("/challenges/?prefecture=01")[0]


def test_one_request_re_renders_a_stale_page_the_others_get_the_stale_copy(cached, world):
    url = "/challenges/?theme=tourism"
    _visit(url)
    cf.challenge(municipality_org=world["takamatsu"], title="新しい観光の課題", themes=["tourism"])
    with translation.override("ja"):
        key = catalogue.page_cache_key(RequestFactory().get(url))
    # Another request is re-rendering this page: this visitor is served the copy there is, at once.
    assert cache.add(catalogue.lock_key(key), 1, 30)
    response, html = _visit(url)
    assert response["X-Catalogue-Cache"] == "hit" and "新しい観光の課題" not in html
    # That request finished: the next visitor renders (and holds the lock meanwhile), then everyone sees it.
    cache.delete(catalogue.lock_key(key))
    response, html = _visit(url)
    assert "X-Catalogue-Cache" not in response and "新しい観光の課題" in html
    assert cache.get(catalogue.lock_key(key)) is None  # released
    response, html = _visit(url)
    assert response["X-Catalogue-Cache"] == "hit" and "新しい観光の課題" in html


def _many(n: int):
    municipalities = [cf.municipality("372013", "高松市"), cf.municipality("011002", "札幌市")]
    for i in range(n):
        cf.challenge(
            municipality_org=municipalities[i % 2], themes=[["tourism"], ["mobility", "tourism"]][i % 2]
        )


@pytest.mark.parametrize("n", [10, 100])
def test_uncached_catalogue_query_count_is_fixed(cached, n, django_assert_max_num_queries, client):
    _many(n)
    client.get("/challenges/?theme=tourism&status=open")  # the facet index and the site root, once
    cf.challenge(title="公開直後", themes=["tourism"])  # a publication: this page must be rendered again
    # The page around the catalogue is kept: the catalogue page itself, its restrictions, the new card.
    with django_assert_max_num_queries(7):
        response = client.get("/challenges/?theme=tourism&status=open")
    assert "X-Catalogue-Cache" not in response and "公開直後" in response.content.decode()
    assert response["X-Catalogue-Render"] == "catalogue"


@pytest.mark.parametrize("n", [10, 100])
def test_logged_in_catalogue_query_count_is_fixed(cached, n, django_assert_max_num_queries, client):
    _many(n)
    client.force_login(factories.user())
    client.get("/challenges/?theme=tourism")
    with django_assert_max_num_queries(14):
        response = client.get("/challenges/?theme=tourism")
    assert response.content.decode().count("challenge-card") == min(n, 20)


@pytest.mark.parametrize("n", [10, 100])
def test_catalogue_without_cache_query_count_is_fixed(n, django_assert_max_num_queries, client):
    _many(n)
    client.get("/challenges/")
    with django_assert_max_num_queries(18):
        response = client.get("/challenges/?prefecture=37&sort=deadline")
    assert response.status_code == 200


def _catalogue():
    index_page = cf.index_page()
    return ChallengePage.objects.live().child_of(index_page), f"index:{index_page.pk}"


def _same_index(kept: facet_index.FacetIndex, fresh: facet_index.FacetIndex) -> None:
    """The maintained index says what a build from the database says: the same rows in both orders, the same
    facet counts, unfiltered and filtered."""
    now = time.time()
    for sort in ("newest", "deadline"):
        everything = np.ones(len(kept.pk), bool)
        assert (
            kept.pk[kept.ordered_rows(everything, sort)].tolist()
            == fresh.pk[fresh.ordered_rows(np.ones(len(fresh.pk), bool), sort)].tolist()
        )
    assert kept.counts({}, now) == fresh.counts({}, now)
    for cleaned in ({"status": "open"}, {"theme": Theme.objects.get(slug="tourism")}):
        assert kept.counts(kept.masks(cleaned, None, now), now) == fresh.counts(
            fresh.masks(cleaned, None, now), now
        )
    assert kept.muni_ids[kept.muni_code].tolist() == kept.muni.tolist()


def test_the_maintained_index_equals_a_fresh_build_after_each_change(cached, world):
    queryset, base_key = _catalogue()
    facet_index.get(queryset, base_key=base_key)  # built once; from now on patched by the signals
    elsewhere = cf.municipality("012025", "函館市")
    new = cf.challenge(municipality_org=elsewhere, title="新しい課題", themes=["snow-removal", "tourism"])
    kept = facet_index.get(queryset, base_key=base_key)
    assert new.pk in kept.pk.tolist() and elsewhere.pk in kept.muni_ids.tolist()
    _same_index(kept, facet_index.FacetIndex.build(queryset))
    assert kept.counts({}, time.time())["municipality"][elsewhere.pk] == 1

    challenge_record_outcome(challenge=new, outcome="matched")
    kept = facet_index.get(queryset, base_key=base_key)
    _same_index(kept, facet_index.FacetIndex.build(queryset))
    assert kept.counts({}, time.time())["status"]["matched"] == 1

    new.unpublish()
    kept = facet_index.get(queryset, base_key=base_key)
    assert new.pk not in kept.pk.tolist()
    _same_index(kept, facet_index.FacetIndex.build(queryset))


def test_statuses_follow_the_clock_between_changes(cached, world):
    """The rows' statuses are worked out once for the instants that share them, and again once a window opens
    or closes."""
    now = timezone.now()
    soon = cf.challenge(
        title="もうすぐ締切", opens=now - dt.timedelta(days=1), closes=now + dt.timedelta(hours=1)
    )
    later = cf.challenge(
        title="これから", opens=now + dt.timedelta(hours=2), closes=now + dt.timedelta(days=9)
    )
    queryset, base_key = _catalogue()
    index = facet_index.get(queryset, base_key=base_key)
    row = {pk: i for i, pk in enumerate(index.pk.tolist())}

    def status_at(challenge, when):
        return facet_index.STATUSES[index.status(when.timestamp())[row[challenge.pk]]]

    assert status_at(soon, now) == "open" and status_at(later, now) == "upcoming"
    assert status_at(soon, soon.application_closes) == "open"  # the last instant is still open
    past_close = soon.application_closes + dt.timedelta(microseconds=1)
    assert status_at(soon, past_close) == "closed" and status_at(later, past_close) == "upcoming"
    assert status_at(later, later.application_opens) == "open"
    assert status_at(soon, now) == "open"  # back in time: worked out again


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_after_a_publication_only_the_catalogue_is_rendered_again_inside_the_kept_page(cached, world):
    url = "/challenges/?theme=tourism"
    _visit(url)  # rendered whole: the page and the shell around its catalogue are kept
    cf.challenge(municipality_org=world["takamatsu"], title="新しい観光の課題", themes=["tourism"])
    response, html = _visit(url)
    assert "X-Catalogue-Cache" not in response and response["X-Catalogue-Render"] == "catalogue"
    assert "新しい観光の課題" in html and _facet_count(html, "theme", "tourism") == 3
    assert _visit(url)[0]["X-Catalogue-Cache"] == "hit"
    # The same page as a whole render gives.
    cache.clear()
    whole, whole_html = _visit(url)
    assert "X-Catalogue-Render" not in whole
    assert _without_csrf(html) == _without_csrf(whole_html)


def test_an_edited_catalogue_page_is_rendered_whole(cached, world):
    url = "/challenges/"
    _visit(url)
    index_page = cf.index_page()
    index_page.intro = "<p>新しい紹介文</p>"
    index_page.save_revision().publish()
    cf.challenge(municipality_org=world["takamatsu"], title="新しい課題")
    response, html = _visit(url)
    assert "X-Catalogue-Render" not in response and "新しい紹介文" in html and "新しい課題" in html


def test_a_kept_page_is_not_served_once_the_catalogue_is_restricted(cached, world):
    url = "/challenges/"
    _visit(url)
    PageViewRestriction.objects.create(page=cf.index_page(), restriction_type=PageViewRestriction.LOGIN)
    cf.challenge(municipality_org=world["takamatsu"], title="新しい課題")
    response = Client().get(url)
    assert response.status_code == 302 and "X-Catalogue-Render" not in response


def test_the_kept_shell_is_used_for_the_cache_period_only(cached, world):
    url = "/challenges/"
    _visit(url)
    with translation.override("ja"):
        key = catalogue.page_cache_key(RequestFactory().get(url)) + catalogue.SHELL_SUFFIX
    shell = cache.get(key)
    cache.set(key, {**shell, "at": shell["at"] - catalogue.cache_seconds()})  # kept a period ago
    cf.challenge(municipality_org=world["takamatsu"], title="新しい課題")
    response, html = _visit(url)
    assert "X-Catalogue-Render" not in response and "新しい課題" in html
