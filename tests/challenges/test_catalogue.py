"""The catalogue's filters, facet counts, sort and pagination; a fixed number of queries for 10 and 100 rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.challenges.services import challenge_record_outcome
from tests.challenges import factories as cf

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    # The search index is written when a transaction commits; run those writes as a real commit would.
    with django_capture_on_commit_callbacks(execute=True):
        return _world()


def _world():
    now = timezone.now()
    takamatsu = cf.municipality("372013", "高松市")
    sapporo = cf.municipality("011002", "札幌市")
    a = cf.challenge(
        municipality_org=takamatsu,
        title="レンタサイクル",
        themes=["tourism", "mobility"],
        budget_min_yen=1_000_000,
        budget_max_yen=3_000_000,
        closes=now + dt.timedelta(days=5),
    )
    b = cf.challenge(
        municipality_org=sapporo,
        title="除雪車の位置情報",
        themes=["snow-removal"],
        budget_min_yen=10_000_000,
        budget_max_yen=60_000_000,
        closes=now + dt.timedelta(days=50),
    )
    c = cf.challenge(
        municipality_org=sapporo,
        title="観光データ",
        themes=["tourism"],
        opens=now + dt.timedelta(days=3),
        closes=now + dt.timedelta(days=40),
    )
    d = cf.challenge(
        municipality_org=takamatsu,
        title="終わった課題",
        themes=["tourism"],
        opens=now - dt.timedelta(days=90),
        closes=now - dt.timedelta(days=30),
    )
    challenge_record_outcome(challenge=d, outcome="matched")
    draft = cf.challenge(municipality_org=takamatsu, title="下書きの課題", publish=False)
    return {"a": a, "b": b, "c": c, "d": d, "draft": draft, "takamatsu": takamatsu, "sapporo": sapporo}


def _titles(client, query=""):
    response = client.get("/challenges/" + query)
    assert response.status_code == 200
    return [c.title for c in response.context["challenges"]], response


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", {"レンタサイクル", "除雪車の位置情報", "観光データ", "終わった課題"}),
        ("?theme=tourism", {"レンタサイクル", "観光データ", "終わった課題"}),
        ("?prefecture=01", {"除雪車の位置情報", "観光データ"}),
        ("?municipality=muni-372013", {"レンタサイクル", "終わった課題"}),
        ("?status=open", {"レンタサイクル", "除雪車の位置情報"}),
        ("?status=upcoming", {"観光データ"}),
        ("?status=matched", {"終わった課題"}),
        ("?budget_min=5000000", {"除雪車の位置情報"}),
        ("?budget_max=2000000", {"レンタサイクル"}),
        ("?q=除雪", {"除雪車の位置情報"}),
        ("?q=ﾚﾝﾀｻｲｸﾙ", {"レンタサイクル"}),  # half-width kana normalised
        ("?theme=tourism&status=open", {"レンタサイクル"}),
    ],
)
def test_filters(client, world, query, expected):
    titles, _ = _titles(client, query)
    assert set(titles) == expected


def test_deadline_before_and_sort(client, world):
    day = timezone.localdate() + dt.timedelta(days=10)
    titles, _ = _titles(client, f"?deadline_before={day.isoformat()}&status=open")
    assert titles == ["レンタサイクル"]
    titles, _ = _titles(client, "?sort=deadline")
    assert titles[0] == "終わった課題" and titles[1] == "レンタサイクル"
    titles, _ = _titles(client, "?sort=newest")
    assert titles[0] == "終わった課題"  # created last among the published ones


def test_facet_counts_ignore_their_own_facet(client, world):
    _, response = _titles(client, "?theme=tourism")
    facets = response.context["facets"]
    theme_counts = {f["value"]: f["count"] for f in facets["theme"]}
    assert (
        theme_counts["tourism"] == 3 and theme_counts["snow-removal"] == 1 and theme_counts["mobility"] == 1
    )
    status_counts = {f["value"]: f["count"] for f in facets["status"]}
    assert status_counts == {"upcoming": 1, "open": 1, "closed": 0, "matched": 1, "no_match": 0}
    prefs = {f["value"]: f["count"] for f in facets["prefecture"]}
    assert prefs == {"37": 2, "01": 1}
    assert "(3)" in response.content.decode()


def test_bad_filter_values_are_form_errors_not_500(client, world):
    for query in (
        "?theme=space",
        "?budget_min=-1",
        "?status=maybe",
        "?deadline_before=yesterday",
        "?page=abc",
    ):
        response = client.get("/challenges/" + query)
        assert response.status_code == 200, query
    response = client.get("/challenges/?theme=space")
    assert list(response.context["challenges"]) == []
    assert response.context["filter"].errors


def test_pagination(client, world):
    titles, response = _titles(client, "?per_page=2")
    assert len(titles) == 2 and response.context["paginator"].num_pages == 2
    titles2, _ = _titles(client, "?per_page=2&page=2")
    assert set(titles) | set(titles2) == {"レンタサイクル", "除雪車の位置情報", "観光データ", "終わった課題"}


def _count_queries(client, per_page):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/challenges/?per_page={per_page}")
    assert response.status_code == 200
    assert len(response.context["challenges"]) == per_page
    return len(ctx.captured_queries)


def test_query_count_is_the_same_for_10_and_100_challenges(client):
    municipalities = [cf.municipality("372013", "高松市"), cf.municipality("011002", "札幌市")]
    for i in range(100):
        cf.challenge(municipality_org=municipalities[i % 2], themes=["tourism", "mobility"][: 1 + i % 2])
    client.get("/challenges/")  # warm the site-root cache
    assert _count_queries(client, 10) == _count_queries(client, 100)


def test_detail_apply_button_only_for_startups_while_open(client, world, startup_user):
    page = world["a"]
    assert 'id="apply"' not in client.get(page.url).content.decode()
    client.force_login(startup_user)
    html = client.get(page.url).content.decode()
    assert 'id="apply"' in html and f"/applications/new/{page.pk}/" in html
    assert 'id="apply"' not in client.get(world["c"].url).content.decode()  # upcoming
    assert 'id="apply"' not in client.get(world["d"].url).content.decode()  # matched


def test_unpublished_is_404(client, world):
    draft = world["draft"]
    assert client.get(f"/challenges/{draft.slug}/").status_code == 404


def _theme_count(response, slug):
    return next(f["count"] for f in response.context["facets"]["theme"] if f["value"] == slug)


def test_cached_facet_counts_follow_publishing_and_outcomes(client, world, settings):
    settings.CHALLENGES_CACHE_SECONDS = 60
    assert _theme_count(client.get("/challenges/?status=open"), "snow-removal") == 1
    new = cf.challenge(title="雪の課題", themes=["snow-removal"])
    assert _theme_count(client.get("/challenges/?status=open"), "snow-removal") == 2
    challenge_record_outcome(challenge=new, outcome="no_match")
    assert _theme_count(client.get("/challenges/?status=open"), "snow-removal") == 1
    new.unpublish()
    assert _theme_count(client.get("/challenges/?status=no_match"), "snow-removal") == 0


def test_rendered_catalogue_is_cached_until_something_is_published(client, world, settings):
    settings.CHALLENGES_CACHE_SECONDS = 60
    first = client.get("/challenges/?theme=tourism").content.decode()
    with CaptureQueriesContext(connection) as ctx:
        again = client.get("/challenges/?theme=tourism").content.decode()
    assert again.count("challenge-card") == first.count("challenge-card") == 3
    assert not any("challenges_challengepage" in q["sql"] for q in ctx.captured_queries)
    cf.challenge(title="新しい観光の課題", themes=["tourism"])
    assert "新しい観光の課題" in client.get("/challenges/?theme=tourism").content.decode()


def _csrf_value(html):
    marker = 'name="csrfmiddlewaretoken" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_anonymous_pages_come_whole_from_the_cache_with_a_fresh_csrf_token(world, settings, startup_user):
    settings.CHALLENGES_CACHE_SECONDS = 60
    first_visitor, second_visitor = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first = first_visitor.get("/challenges/?theme=tourism")
    assert "X-Catalogue-Cache" not in first
    second = second_visitor.get("/challenges/?theme=tourism")
    assert second["X-Catalogue-Cache"] == "hit"
    html = second.content.decode()
    assert html.count("challenge-card") == 3
    token = _csrf_value(html)
    assert token != _csrf_value(first.content.decode())
    # The punched-in token is the second visitor's own: the language form works for them.
    switched = second_visitor.post(
        "/i18n/setlang/", {"language": "en", "next": "/challenges/", "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302

    # Logged-in users never get the shared copy.
    member = Client()
    member.force_login(startup_user)
    assert "X-Catalogue-Cache" not in member.get("/challenges/?theme=tourism")

    # Publishing shows at once.
    cf.challenge(title="新しい観光の課題", themes=["tourism"])
    fresh = Client().get("/challenges/?theme=tourism")
    assert "X-Catalogue-Cache" not in fresh and "新しい観光の課題" in fresh.content.decode()


def test_catalogue_in_japanese_and_english(client, world):
    ja = client.get("/challenges/").content.decode()
    assert "テーマ" in ja and "募集中" in ja
    en = client.get("/en/challenges/").content.decode()
    assert "Theme" in en and "Open for applications".lower() in en.lower()
    assert client.get("/en/challenges/" + world["a"].slug + "/").status_code == 200


def test_catalogue_and_case_studies_have_english_titles_under_en(client):
    """QA pass: /en/challenges/ and /en/case-studies/ were headed 自治体の課題 and 導入事例 (title, h1 and og:title)."""
    for path, japanese, english in (
        ("/challenges/", "自治体の課題", "Challenges"),
        ("/case-studies/", "導入事例", "Case studies"),
    ):
        ja = client.get(path).content.decode()
        en = client.get("/en" + path).content.decode()
        assert f"<h1>{japanese}</h1>" in ja and f"<title>{japanese} |" in ja
        assert f"<h1>{english}</h1>" in en and f"<title>{english} |" in en, path
        assert japanese not in en
    assert (
        "published once both the municipality and the startup agreed"
        in client.get("/en/case-studies/").content.decode()
    )


def test_catalogue_and_startup_list_search_buttons_look_like_buttons(client):
    """QA pass: the filters' Search was a bare browser button beside full-width fields (hard to find on a phone)."""
    for path in ("/challenges/", "/startups/"):
        html = client.get(path).content.decode()
        assert '<button type="submit" class="button">検索</button>' in html, path
