"""The proposal sheet (提案書) of an accepted match: one A4 page in Japanese with the reasons as text and the font
embedded, for ministry staff and the challenge's municipality only; scouted candidates are described, not named."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from matching import services
from matching.models import MatchProposal
from tests.matching.factories import World

from .conftest import assert_japanese_fonts_embedded, pdf_text


@pytest.fixture
def matching_world(db):
    world = World()
    world.run = world.reasons_case()
    world.best = MatchProposal.objects.get(run=world.run, challenge=world.challenge_x, rank=1)
    assert world.best.startup == world.snow and world.best.assigned
    return world


def _accept(world):
    return services.proposal_accept(
        proposal=world.best, actor=world.ministry_user, reason="面談で課題の理解を確認"
    )


def test_sheet_is_one_japanese_page_with_the_reasons_and_embedded_fonts(client, matching_world):
    world = matching_world
    _accept(world)
    client.force_login(world.ministry_user)
    response = client.get(reverse("reports:proposal_sheet", args=[world.best.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1
    assert_japanese_fonts_embedded(response.content)
    text = pdf_text(response.content).replace("\n", "")
    for expected in (
        "提案書",
        "随意契約の理由",
        world.challenge_x.title,
        "高松市",
        world.snow.name,
        "を本課題の相手先として提案する",  # the reasons, as sentences
        "要件と技術・サービスの対応",
        "除雪車",
        "検討したほかの候補",
        "令和6年度 高松市「除雪車GPSの実証実験」",  # the track record behind the choice
        "第1希望として応募",  # both sides' preferences
        "自治体の評価: 推したい",
        world.medical.name,  # an applicant: named, with why it ranked lower
        "要件との一致が弱",
        "第1補欠",
        "面談で課題の理解を確認",  # the acceptance reason, and who accepted
        str(world.ministry_user),
    ):
        assert expected in text, expected
    # startups that never applied to this municipality are described, not named
    for scouted in (world.lookalike, world.other):
        assert scouted.name not in text
    assert "応募していない候補（1）（第1補欠）" in text
    assert "0." not in text.replace(world.challenge_x.title, "")  # no factor numbers on the sheet


def test_the_municipality_gets_its_own_accepted_sheets_only(client, matching_world):
    world = matching_world
    url = reverse("reports:proposal_sheet", args=[world.best.pk])
    client.force_login(world.staff_x)
    assert client.get(url).status_code == 404  # not accepted yet
    _accept(world)
    response = client.get(url)
    assert response.status_code == 200 and world.snow.name in pdf_text(response.content)
    # another municipality, the startup itself: 404
    for outsider in (world.staff_y, world.snow_user):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    # another challenge's proposal, even accepted, is not the municipality's
    other = MatchProposal.objects.get(run=world.run, challenge=world.challenge_y, assigned=True)
    services.proposal_accept(proposal=other, actor=world.ministry_user)
    client.force_login(world.staff_x)
    assert client.get(reverse("reports:proposal_sheet", args=[other.pk])).status_code == 404
    client.force_login(world.staff_y)
    assert client.get(reverse("reports:proposal_sheet", args=[other.pk])).status_code == 200
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_unaccepted_proposal_has_no_sheet_even_for_the_ministry(client, matching_world):
    world = matching_world
    client.force_login(world.ministry_user)
    second = MatchProposal.objects.get(run=world.run, challenge=world.challenge_x, rank=2)
    assert client.get(reverse("reports:proposal_sheet", args=[second.pk])).status_code == 404
    services.proposal_reject(proposal=second, actor=world.ministry_user, reason="分野が違う")
    assert client.get(reverse("reports:proposal_sheet", args=[second.pk])).status_code == 404
    assert client.get(reverse("reports:proposal_sheet", args=[999_999])).status_code == 404


def test_the_engagement_the_match_opened_links_its_proposal_sheet(client, matching_world):
    from portal.tracker.models import Engagement

    world = matching_world
    _accept(world)
    engagement = Engagement.objects.get(challenge=world.challenge_x, startup=world.snow)
    sheet = reverse("reports:proposal_sheet", args=[world.best.pk])
    for user in (world.staff_x, world.ministry_user):
        client.force_login(user)
        page = client.get(reverse("engagement:inspect", args=[engagement.pk])).content.decode()
        assert sheet in page and 'id="proposal-sheet-pdf"' in page
