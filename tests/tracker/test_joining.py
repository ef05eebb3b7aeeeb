"""Joining a solved challenge (横展開 as a marketplace, issue #22 item 2): another municipality declares its
population and budget range, a linked engagement opens, the startup sees the pooled demand, the public case study
lists the towns; the lists keep a fixed number of queries."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.core.models import AuditEvent
from portal.tracker import selectors, services
from portal.tracker.models import AdoptionRequest, ConsentPurpose, Engagement
from portal.tracker.workflow import Stage
from tests import factories
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db


def _solved(engagement, stage=Stage.CONTRACT):
    Engagement.objects.filter(pk=engagement.pk).update(stage=stage, furthest_stage=stage)
    engagement.refresh_from_db()
    return engagement


@pytest.fixture
def teshio():
    return tf.municipality("014877", "天塩町")


@pytest.fixture
def teshio_staff(teshio):
    return factories.staff(teshio)


def _join(origin, municipality, user, **kw):
    args = {
        "population": 3_000,
        "budget_min_yen": 1_000_000,
        "budget_max_yen": 2_500_000,
        "message": "山間部でも同じ課題",
    } | kw
    return services.adoption_join(origin=origin, municipality=municipality, actor=user, **args)


def test_joining_opens_a_linked_engagement_and_pools_the_demand(engagement, teshio, teshio_staff, muni_user):
    _solved(engagement, Stage.DEPLOYMENT)
    services.progress_report_create(
        engagement=engagement, actor=muni_user, text="契約", contract_value_yen=4_000_000
    )
    joined = _join(engagement, teshio, teshio_staff)
    assert (joined.origin_id, joined.source, joined.startup_id, joined.municipality_id) == (
        engagement.pk,
        Engagement.Source.ADOPTION,
        engagement.startup_id,
        teshio.pk,
    )
    assert joined.stage == Stage.FIRST_VISIT
    request = AdoptionRequest.objects.get(engagement=joined)
    assert (request.state, request.population, request.budget_min_yen, request.budget_max_yen) == (
        AdoptionRequest.State.LINKED,
        3_000,
        1_000_000,
        2_500_000,
    )
    engagement.refresh_from_db()
    assert engagement.stage == Stage.ADOPTED_ELSEWHERE  # a deployed solution is now adopted elsewhere
    demand = selectors.pooled_demand(engagement)
    assert [r.municipality for r in demand.rows] == [engagement.municipality, teshio]
    assert (demand.population, demand.budget_min_yen, demand.budget_max_yen) == (3_000, 5_000_000, 6_500_000)
    assert AuditEvent.objects.filter(action="tracker.solution_joined", object_id=str(joined.pk)).exists()


def test_the_startup_sees_the_towns_demand_on_its_page(client, engagement, teshio, teshio_staff, su_user):
    _solved(engagement)
    _join(engagement, teshio, teshio_staff)
    client.force_login(su_user)
    body = client.get(reverse("tracker:engagement", args=[engagement.pk])).content.decode()
    assert 'id="pooled-demand"' in body
    assert "天塩町" in body and "高松市" in body and "3000" in body


def test_who_may_join_and_what(engagement, teshio, teshio_staff, muni_user, su_user, ministry):
    with pytest.raises(ValidationError):
        _join(engagement, teshio, teshio_staff)  # not solved yet
    _solved(engagement)
    with pytest.raises(PermissionDenied):
        _join(engagement, engagement.municipality, muni_user)  # its own solution
    with pytest.raises(PermissionDenied):
        _join(engagement, teshio, su_user)  # a startup member
    with pytest.raises(PermissionDenied):
        _join(engagement, teshio, muni_user)  # another municipality's staff
    with pytest.raises(ValidationError) as refused:
        _join(engagement, teshio, teshio_staff, budget_min_yen=3_000_000, budget_max_yen=1_000_000)
    assert "budget_max_yen" in refused.value.message_dict
    with pytest.raises(ValidationError):
        _join(engagement, teshio, teshio_staff, population=0)
    _join(engagement, teshio, ministry)  # ministry staff on the town's behalf
    with pytest.raises(ValidationError):
        _join(engagement, teshio, teshio_staff)  # once while the linked engagement is open
    assert Engagement.objects.filter(origin=engagement).count() == 1


def test_joining_in_the_admin(client, engagement, teshio, teshio_staff):
    _solved(engagement)
    client.force_login(teshio_staff)
    listing = client.get(reverse("solution:index")).content.decode()
    url = reverse("solution:inspect", args=[engagement.pk])
    join = reverse("solution:join", args=[engagement.pk])
    assert url in listing
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "この取組みに参加する" in page
    data = {
        "municipality": str(teshio.pk),
        "population": "3000",
        "budget_min_yen": "2000000",
        "budget_max_yen": "1000000",
        "message": "参加したい",
    }
    response = client.post(join, data)
    assert response.status_code == 400 and "参加したい" in response.content.decode()
    response = client.post(join, data | {"budget_max_yen": "3000000"})
    joined = Engagement.objects.get(origin=engagement)
    assert response.status_code == 302 and response["Location"].endswith(f"/{joined.pk}/")
    # an engagement that is not solved is not offered
    other = tf.engagement(startup_org=tf.startup(name="別の会社"))
    assert client.get(reverse("solution:inspect", args=[other.pk])).status_code == 404


def test_the_case_study_lists_the_towns_that_adopted_it(
    client, engagement, teshio, teshio_staff, muni_user, su_user, ministry
):
    _solved(engagement)
    _join(engagement, teshio, teshio_staff)
    page = services.case_study_draft(engagement=engagement, actor=ministry, title="事例")
    for user in (muni_user, su_user):
        services.consent_set(
            engagement=engagement, actor=user, purpose=ConsentPurpose.PUBLISH_CASE_STUDY, granted=True
        )
        services.case_study_approve(page=page, actor=user)
    page.refresh_from_db()
    body = client.get(page.url).content.decode()
    towns = body.split('class="case-study-towns"', 1)[1].split("</ul>", 1)[0]
    assert "高松市" in towns and "天塩町" in towns


def _many_solved(n):
    ministry = tf.ministry_user()
    muni = tf.municipality()
    startup = tf.startup(name=f"量産{n}")
    created = []
    for i in range(n):
        created.append(
            tf.engagement(municipality_org=muni, startup_org=startup, actor=ministry, title=f"解決{i}")
        )
    Engagement.objects.filter(pk__in=[e.pk for e in created]).update(
        stage=Stage.CONTRACT, furthest_stage=Stage.CONTRACT
    )
    return ministry


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["solution:index", "evidence_pack:index"])
def test_the_lists_keep_a_fixed_number_of_queries(client, name):
    ministry = _many_solved(10)
    client.force_login(ministry)
    url = reverse(name)
    at_10 = _count(client, url)
    _many_solved(90)
    at_100 = _count(client, url)
    assert at_10 == at_100
