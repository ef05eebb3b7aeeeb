"""The ministry's tracker dashboard reads counts, not rows: the same number of queries at 10 and 100 engagements."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import Organisation
from portal.core.calendar import current_fiscal_year
from portal.tracker.models import Engagement
from portal.tracker.workflow import Stage
from tests import factories
from tests.tracker import factories as tf

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
