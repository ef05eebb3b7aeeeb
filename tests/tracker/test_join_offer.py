"""Issue #23: the challenge editor's near-duplicate panel offers to join a solved challenge (「この取組みに参加する」)
where the other municipality's engagement became a solution (contract, deployment), and the join form opens filled
in with the writer's municipality and a message naming both challenges."""

import pytest
from django.urls import reverse

from portal.challenges.services import challenge_record_outcome
from portal.challenges.status import ChallengeOutcome
from portal.tracker.models import Engagement
from portal.tracker.workflow import Stage
from tests import factories
from tests.challenges import factories as cf
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db

SNOW = dict(
    title="除雪車の位置を住民に知らせたい",
    summary="大雪の日に除雪車がいつ来るか分からないという問い合わせが市役所に集中している。",
    background="降雪時に除雪の問い合わせ電話が殺到し、職員が対応に追われている。除雪車の運行状況が住民に見えない。",
    desired_outcome="除雪に関する問い合わせ電話を半減させる。",
)


class Places:
    def __init__(self):
        self.takamatsu = cf.municipality("372013", "高松市")
        self.teshio = cf.municipality("014877", "天塩町")
        self.solved = cf.challenge(
            municipality_org=self.teshio,
            title="除雪車がいつ来るか分からない",
            summary="大雪の日、除雪車の到着時刻についての問い合わせが役場に集中する。",
            background="降雪のたびに除雪の問い合わせ電話が相次ぎ、職員の負担になっている。除雪車の位置が住民に見えない。",
            desired_outcome="除雪の問い合わせ電話を減らす。",
        )
        challenge_record_outcome(challenge=self.solved, outcome=ChallengeOutcome.MATCHED)
        self.own = cf.challenge(municipality_org=self.takamatsu, publish=False, **SNOW)
        self.staff = cf.staff(self.takamatsu, email="staff@takamatsu.example.jp")
        self.startup = tf.startup()
        self.engagement = tf.engagement(
            municipality_org=self.teshio, startup_org=self.startup, challenge=self.solved
        )

    def advance(self, stage):
        Engagement.objects.filter(pk=self.engagement.pk).update(stage=stage, furthest_stage=stage)

    def join_url(self):
        return reverse("solution:inspect", args=[self.engagement.pk]) + f"?challenge={self.own.pk}"

    def join_action_url(self):
        return reverse("solution:join", args=[self.engagement.pk])


@pytest.fixture
def places():
    return Places()


def _panel(client, places) -> str:
    client.force_login(places.staff)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[places.own.pk])).content.decode()
    return html[html.index('id="similar-challenges"') :]


def test_the_editor_offers_to_join_a_solution_found_for_a_near_duplicate(client, places):
    places.advance(Stage.CONTRACT)
    section = _panel(client, places)
    assert "この課題は天塩町で解決済みです。" in section
    assert (
        f'href="{places.join_url()}"'.replace("&", "&amp;") in section and "この取組みに参加する" in section
    )


def test_no_offer_while_the_match_is_not_yet_a_solution(client, places):
    # Matched (「解決済み」) but the engagement is still in its first visit: nothing to join yet.
    section = _panel(client, places)
    assert "この課題は天塩町で解決済みです。" in section
    assert "join-solution" not in section and "この取組みに参加する" not in section


def test_no_offer_for_an_ended_engagement(client, places):
    places.advance(Stage.CONTRACT)
    Engagement.objects.filter(pk=places.engagement.pk).update(stage=Stage.ENDED)
    assert "join-solution" not in _panel(client, places)


def test_the_offer_opens_the_join_form_filled_in_and_joining_works(client, places):
    places.advance(Stage.DEPLOYMENT)
    client.force_login(places.staff)
    page = client.get(places.join_url())
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["municipality"] == places.takamatsu.pk
    message = form.initial["message"]
    assert places.own.title in message and places.solved.title in message and "天塩町" in message
    html = page.content.decode()
    assert "当自治体の課題「除雪車の位置を住民に知らせたい」" in html
    response = client.post(
        places.join_action_url(),
        {
            "municipality": places.takamatsu.pk,
            "population": "420000",
            "budget_min_yen": "1000000",
            "budget_max_yen": "3000000",
            "message": message,
        },
    )
    joined = Engagement.objects.get(origin=places.engagement)
    assert response.status_code == 302 and response["Location"] == reverse(
        "engagement:inspect", args=[joined.pk]
    )
    assert joined.municipality == places.takamatsu and joined.startup == places.startup


def test_another_municipalitys_challenge_fills_in_nothing(client, places):
    places.advance(Stage.CONTRACT)
    sapporo = cf.municipality("011002", "札幌市")
    theirs = cf.challenge(municipality_org=sapporo, title="札幌の除雪")
    client.force_login(places.staff)
    url = reverse("solution:inspect", args=[places.engagement.pk])
    for query in (f"?challenge={theirs.pk}", "?challenge=abc", "?challenge=999999"):
        form = client.get(url + query).context["form"]
        assert "message" not in form.initial
        assert form.initial.get("municipality") == places.takamatsu.pk  # the user's only municipality


def test_a_startup_member_cannot_follow_the_offer(client, places):
    places.advance(Stage.CONTRACT)
    client.force_login(factories.member(places.startup))
    response = client.get(places.join_url())
    assert response.status_code == 302 and "login" in response["Location"]
