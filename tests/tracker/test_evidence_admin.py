"""The evidence packs' and the solutions' staff screens as Wagtail viewsets (issue #21 point 2): the listings'
filters, their results view (the filter drop-down's) at a fixed number of queries, who may open what, and the join
as a POST-only action view."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.tracker import services
from portal.tracker.models import Engagement
from portal.tracker.workflow import Stage
from tests import factories
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db


def _advance(engagement, stage):
    Engagement.objects.filter(pk=engagement.pk).update(stage=stage, furthest_stage=stage)
    engagement.refresh_from_db()
    return engagement


def _rows(client, name, **query) -> str:
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_overview_filters_by_pack_and_fiscal_year(client, ministry, engagement, muni_user):
    with_pack = _advance(engagement, Stage.POC_DONE)
    services.evidence_pack_create(
        engagement=with_pack,
        actor=muni_user,
        clause=2,
        conditions_met=["only_supplier", "poc_shows", "explainable"],
        price_note="実証の実費と同等",
        next_fiscal_year=2030,
        budget_request_deadline=dt.date(2029, 10, 31),
    )
    without = _advance(
        tf.engagement(startup_org=tf.startup(name="別の会社"), title="パックなし"), Stage.POC_DONE
    )
    Engagement.objects.filter(pk=without.pk).update(fiscal_year=with_pack.fiscal_year - 1)
    client.force_login(ministry)
    link = lambda e: reverse("engagement:inspect", args=[e.pk])  # noqa: E731
    everything = _rows(client, "evidence_pack:index")
    assert link(with_pack) in everything and link(without) in everything
    # those without a pack come first
    assert everything.index(link(without)) < everything.index(link(with_pack))
    has = _rows(client, "evidence_pack:index_results", has_pack="true")
    assert link(with_pack) in has and link(without) not in has
    lacking = _rows(client, "evidence_pack:index_results", has_pack="false")
    assert link(without) in lacking and link(with_pack) not in lacking
    year = _rows(client, "evidence_pack:index_results", fiscal_year=str(with_pack.fiscal_year))
    assert link(with_pack) in year and link(without) not in year


def test_only_the_ministry_opens_the_overview_and_only_municipality_staff_build(
    client, ministry, engagement, muni_user
):
    _advance(engagement, Stage.POC_DONE)
    client.force_login(muni_user)
    assert client.get(reverse("evidence_pack:index")).status_code == 302
    assert client.get(reverse("evidence_pack:add", args=[engagement.pk])).status_code == 200
    client.force_login(ministry)
    assert client.get(reverse("evidence_pack:index")).status_code == 200
    refused = client.get(reverse("evidence_pack:add", args=[engagement.pk]))
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")


def test_the_solutions_filter_by_prefecture(client, ministry, engagement):
    takamatsu = _advance(engagement, Stage.CONTRACT)
    teshio = tf.municipality("014877", "天塩町")
    northern = _advance(
        tf.engagement(municipality_org=teshio, startup_org=tf.startup(name="北の会社")), Stage.DEPLOYMENT
    )
    client.force_login(ministry)
    link = lambda e: reverse("solution:inspect", args=[e.pk])  # noqa: E731
    everything = _rows(client, "solution:index")
    assert link(takamatsu) in everything and link(northern) in everything
    hokkaido = _rows(client, "solution:index_results", prefecture=str(teshio.prefecture_id))
    assert link(northern) in hokkaido and link(takamatsu) not in hokkaido


def test_joining_is_a_post_only_action_view(client, engagement):
    origin = _advance(engagement, Stage.CONTRACT)
    client.force_login(factories.staff(tf.municipality("014877", "天塩町")))
    page = client.get(reverse("solution:inspect", args=[origin.pk])).content.decode()
    assert f'action="{reverse("solution:join", args=[origin.pk])}"' in page
    assert client.get(reverse("solution:join", args=[origin.pk])).status_code == 405


def _many(n, stage):
    ministry = tf.ministry_user()
    muni = tf.municipality()
    startup = tf.startup(name=f"量産{n}")
    created = [
        tf.engagement(municipality_org=muni, startup_org=startup, actor=ministry, title=f"解決{i}")
        for i in range(n)
    ]
    Engagement.objects.filter(pk__in=[e.pk for e in created]).update(stage=stage, furthest_stage=stage)
    return ministry


def _count(client, url, query):
    client.get(url, query)  # warm caches (menus, sessions)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, query).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("solution:index_results", {"prefecture": ""}),
        ("evidence_pack:index_results", {"has_pack": "false"}),
    ],
)
def test_the_filtered_results_keep_a_fixed_number_of_queries_at_10_and_100_rows(client, name, query):
    ministry = _many(10, Stage.CONTRACT)
    client.force_login(ministry)
    url = reverse(name)
    at_10 = _count(client, url, query)
    _many(90, Stage.CONTRACT)
    at_100 = _count(client, url, query)
    assert at_10 == at_100
