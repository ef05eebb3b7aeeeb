"""The ministry's tracker dashboard reads counts, not rows: the same number of queries at 10 and 100 engagements.
With its cache on (tracker/dashboard.py), a kept copy reads none of the tracker's tables, a tracker write shows at
once when it commits, what the tracker does not write shows within TRACKER_DASHBOARD_CACHE_SECONDS, each language has
its own copy, and the page stays the ministry's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from wagtail.users.models import UserProfile

from portal.accounts.models import Organisation
from portal.core.calendar import current_fiscal_year
from portal.tracker import dashboard, scorecards, selectors, services
from portal.tracker.models import Engagement
from portal.tracker.workflow import Stage
from tests import factories
from tests.challenges import factories as cf
from tests.tracker import factories as tf
from tests.tracker.test_scorecards import _answers

MUNICIPALITIES = (("372013", "高松市"), ("014877", "天塩町"), ("131016", "千代田区"))


def _engagements(n: int, ministry) -> None:
    """n engagements over three municipalities in three prefectures, every stage, some stalled (rows written
    directly: the dashboard is what is measured)."""
    municipalities = [tf.municipality(code, name) for code, name in MUNICIPALITIES]
    startups = Organisation.objects.bulk_create(
        Organisation(kind=Organisation.Kind.STARTUP, name=f"株式会社{n}-{i}", slug=f"dash-{n}-{i}")
        for i in range(n)
    )
    stages = [value for value, _label in Stage.choices]
    now = timezone.now()
    year = current_fiscal_year()
    Engagement.objects.bulk_create(
        Engagement(
            municipality=municipalities[i % len(municipalities)],
            startup=s,
            source=Engagement.Source.OUTSIDE,
            title=f"取組{i}",
            stage=stages[i % len(stages)],
            furthest_stage=stages[i % len(stages)],
            stage_changed_at=now,
            fiscal_year=year - (i % 2),
            opened_at=now,
            opened_by=ministry,
            last_activity_at=now - dt.timedelta(days=i),
            stalled_flagged_at=now if i % 3 == 0 else None,
        )
        for i, s in enumerate(startups)
    )


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_dashboard_keeps_a_fixed_number_of_queries_at_10_and_100_engagements(client, db):
    ministry = tf.ministry_user()
    tf.budget(1_000_000, actor=ministry)
    client.force_login(ministry)
    url = reverse("tracker_admin:dashboard")
    counts = []
    for n in (10, 90):  # 10, then 100 in all
        _engagements(n, ministry)
        client.get(url)  # warm the session and the menus
        count, body = _queries(client, url)
        counts.append(count)
        stalled = Engagement.objects.filter(stalled_flagged_at__isnull=False).exclude(stage=Stage.ENDED)
        assert stalled.first().title in body
    assert Engagement.objects.count() == 100
    assert counts[0] == counts[1]


def test_dashboard_is_for_ministry_staff_only(client, db):
    staff = factories.staff(tf.municipality())
    client.force_login(staff)
    assert client.get(reverse("tracker_admin:dashboard")).status_code in (302, 403)


# --- with the cache on ----------------------------------------------------------------------------------------------


@pytest.fixture
def cached(settings):
    """The dashboard's cache on, and empty: the test cache outlives each test's rolled-back rows."""
    settings.TRACKER_DASHBOARD_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def _tracker_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured if "tracker_" in q["sql"]]


def test_cached_dashboard_keeps_fixed_query_counts_and_reads_no_tracker_table(
    client, db, cached, django_capture_on_commit_callbacks
):
    ministry = tf.ministry_user()
    tf.budget(1_000_000, actor=ministry)
    client.force_login(ministry)
    url = reverse("tracker_admin:dashboard")
    counted, kept = [], []
    for n in (10, 90):  # 10, then 100 in all
        _engagements(n, ministry)
        # bulk_create sends no signal; a service's audit event would retire the copy when it commits
        with django_capture_on_commit_callbacks(execute=True):
            dashboard.retire()
        counted.append(_queries(client, url)[0])  # the first request after the write counts
        count, body = _queries(client, url)  # the next one reads the kept copy
        kept.append(count)
        stalled = Engagement.objects.filter(stalled_flagged_at__isnull=False).exclude(stage=Stage.ENDED)
        assert stalled.first().title in body
        assert _tracker_queries(client, url) == []
    assert counted[0] == counted[1] and kept[0] == kept[1]
    assert kept[0] < counted[0]


def _stage_count(response, stage: str) -> int:
    return dict(response.context["stages"])[str(Stage(stage).label)]


def test_a_tracker_write_shows_on_the_cached_dashboard_when_it_commits(
    client, engagement, su_user, ministry, budget, cached, django_capture_on_commit_callbacks
):
    client.force_login(ministry)
    url = reverse("tracker_admin:dashboard")
    before = client.get(url, {"fy": current_fiscal_year()})
    assert [v for _label, v in before.context["budget_rows"]] == [0, 0, 0, 1_000_000]  # reserved … free
    first_stage = Stage.choices[0][0]
    opened = _stage_count(before, first_stage)
    trip = tf.travel_request(engagement, su_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("travel_request:approve", args=[trip.pk]),
            {"amount_yen": str(trip.estimate_total_yen), "note": ""},
        )
    assert response.status_code == 302
    after = client.get(url, {"fy": current_fiscal_year()})
    reserved, _settled, _paid, free = (v for _label, v in after.context["budget_rows"])
    assert reserved == trip.estimate_total_yen and free == 1_000_000 - trip.estimate_total_yen
    with django_capture_on_commit_callbacks(execute=True):
        tf.engagement(municipality_org=engagement.municipality, actor=ministry)
    assert _stage_count(client.get(url), first_stage) == opened + 1


def test_what_the_tracker_does_not_write_shows_within_the_documented_period(client, ministry, cached):
    """A challenge published (the catalogue's write, not the tracker's) reaches the kept funnel when the copy is
    TRACKER_DASHBOARD_CACHE_SECONDS old: the next request counts again."""
    client.force_login(ministry)
    url = reverse("tracker_admin:dashboard")
    with freeze_time(timezone.now()) as clock:
        posted = client.get(url).context["funnel"][0].count
        cf.challenge(opens=timezone.now())
        clock.tick(dt.timedelta(seconds=299))
        assert client.get(url).context["funnel"][0].count == posted
        clock.tick(dt.timedelta(seconds=2))
        assert client.get(url).context["funnel"][0].count == posted + 1


def test_each_language_has_its_own_copy(client, ministry, cached):
    client.force_login(ministry)
    url = reverse("tracker_admin:dashboard")
    html = {}
    for lang in ("ja", "en", "ja"):
        profile = UserProfile.get_for_user(ministry)
        profile.preferred_language = lang
        profile.save()
        html[lang] = client.get(url).content.decode()
    assert "challenges posted" in html["en"] and "challenges posted" not in html["ja"]


def test_cached_dashboard_is_still_for_ministry_staff_only(client, ministry, cached):
    client.force_login(ministry)
    assert client.get(reverse("tracker_admin:dashboard")).status_code == 200  # a copy is kept
    client.force_login(factories.staff(tf.municipality()))
    assert client.get(reverse("tracker_admin:dashboard")).status_code in (302, 403)


def test_the_dashboards_folded_queries_give_what_the_single_selectors_give(
    db, engagement, ministry, settings
):
    """The dashboard counts stages, prefectures and years in one grouped query, the budget with its ledger in one,
    pulse answers with their blockers in one: the same figures as the selectors the reports use."""
    settings.SCORECARD_MIN_ANSWERS = 3
    _engagements(10, ministry)
    tf.budget(1_000_000, actor=ministry)
    year = current_fiscal_year()
    _answers(engagement, [(4, True, "budget"), (2, False, "data"), (5, True, "budget"), (3, True, "data")])
    breakdown = selectors.engagement_breakdown()
    assert breakdown.stages == selectors.engagements_by_stage()
    assert breakdown.prefectures == selectors.engagements_by_prefecture()
    assert set(breakdown.years) | {year} == set(selectors.fiscal_years())
    budget, balances = selectors.budget_with_balances(year)
    assert budget == selectors.budget_summary(year) and balances == services.balances(budget)
    assert scorecards._pulse_and_blockers(year) == (scorecards.pulse_by_side(year), scorecards.blockers(year))
