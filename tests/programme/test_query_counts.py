"""Lists keep a fixed number of queries whatever their length: news, rounds, a round's challenges, the home page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.challenges import factories as cf
from tests.programme import factories as pf

pytestmark = pytest.mark.django_db
D = dt.date


def _queries(client, url):
    client.get(url)  # warm caches (site root paths, content types)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_news_index_and_home_queries_do_not_grow_with_the_number_of_items(client):
    for i in range(3):
        pf.news(f"お知らせ{i}", D(2026, 10, 1) + dt.timedelta(days=i))
    small = (_queries(client, "/news/"), _queries(client, "/"))
    for i in range(3, 20):
        pf.news(f"お知らせ{i}", D(2026, 10, 1) + dt.timedelta(days=i))
    assert (_queries(client, "/news/"), _queries(client, "/")) == small


def test_round_pages_queries_do_not_grow_with_steps_rounds_or_challenges(client):
    current = pf.round_page(2026, [("applications", D(2026, 10, 15), D(2026, 12, 25))])
    pf.round_page(2025, [("applications", D(2025, 10, 15), D(2025, 12, 25))])
    cf.challenge(title="課題A", round=current)
    small = (_queries(client, "/rounds/"), _queries(client, "/rounds/fy2026/"))
    for year in (2022, 2023, 2024):
        pf.round_page(
            year, [("applications", D(year, 10, 15), D(year, 12, 25)), ("demo_day", D(year + 1, 3, 1), None)]
        )
    muni = cf.municipality("014877", "天塩町")
    for i in range(6):
        cf.challenge(title=f"課題{i}", round=current, municipality_org=muni)
    assert (_queries(client, "/rounds/"), _queries(client, "/rounds/fy2026/")) == small
