"""Near-duplicate challenges in the challenge editor, by the matching engine's text relevance: another
municipality's challenge about the same problem is shown with its outcome (「この課題は○○市で解決済みです」)."""

import pytest
from django.urls import reverse

from matching.similar import similar_challenges
from portal.challenges.services import challenge_record_outcome
from portal.challenges.status import ChallengeOutcome
from tests.challenges import factories as cf

pytestmark = pytest.mark.django_db

SNOW = dict(
    title="除雪車の位置を住民に知らせたい",
    summary="大雪の日に除雪車がいつ来るか分からないという問い合わせが市役所に集中している。",
    background="降雪時に除雪の問い合わせ電話が殺到し、職員が対応に追われている。除雪車の運行状況が住民に見えない。",
    desired_outcome="除雪に関する問い合わせ電話を半減させる。",
)


@pytest.fixture
def places():
    takamatsu = cf.municipality("372013", "高松市")
    teshio = cf.municipality("014877", "天塩町")
    sapporo = cf.municipality("011002", "札幌市")
    solved = cf.challenge(
        municipality_org=teshio,
        title="除雪車がいつ来るか分からない",
        summary="大雪の日、除雪車の到着時刻についての問い合わせが役場に集中する。",
        background="降雪のたびに除雪の問い合わせ電話が相次ぎ、職員の負担になっている。除雪車の位置が住民に見えない。",
        desired_outcome="除雪の問い合わせ電話を減らす。",
    )
    challenge_record_outcome(challenge=solved, outcome=ChallengeOutcome.MATCHED)
    unrelated = cf.challenge(
        municipality_org=sapporo,
        title="観光客の回遊を把握したい",
        summary="インバウンド観光客が商店街のどこを回っているか分からない。",
        background="観光客は増えたが、商店街での購買につながっていない。",
        desired_outcome="商店街の売上を一割増やす。",
    )
    own = cf.challenge(municipality_org=takamatsu, publish=False, **SNOW)
    return takamatsu, own, solved, unrelated


def test_a_challenge_about_the_same_problem_elsewhere_is_found_and_an_unrelated_one_is_not(places):
    _takamatsu, own, solved, unrelated = places
    found = similar_challenges(own, 3)
    assert [s.page.pk for s in found] == [solved.pk]
    assert found[0].solved and 0.5 <= found[0].relevance <= 1


def test_the_editor_says_it_was_solved_elsewhere(client, places):
    takamatsu, own, solved, _unrelated = places
    client.force_login(cf.staff(takamatsu, email="staff@takamatsu.example.jp"))
    html = client.get(reverse("wagtailadmin_pages:edit", args=[own.pk])).content.decode()
    section = html[html.index('id="similar-challenges"') :]
    assert "この課題は天塩町で解決済みです。" in section and solved.title in section
    assert "観光客の回遊を把握したい" not in section


def test_its_own_municipalitys_challenges_are_not_near_duplicates(places):
    takamatsu, own, _solved, _unrelated = places
    twin = cf.challenge(municipality_org=takamatsu, **SNOW)
    assert twin.pk not in [s.page.pk for s in similar_challenges(own, 3)]
