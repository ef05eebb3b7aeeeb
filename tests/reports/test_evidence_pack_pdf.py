"""The evidence pack PDF (随意契約根拠資料): Japanese, fonts embedded, its figures equal to the engagement's records,
the clause and its checklist; each version prints what it froze; the matching's reasons only for readers who may
have the proposal sheet."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from matching import services as matching_services
from matching.models import MatchProposal
from portal.tracker import services
from portal.tracker.models import Engagement
from portal.tracker.workflow import Stage
from tests.matching.factories import World as MatchingWorld

from .conftest import assert_japanese_fonts_embedded, pdf_text

pytestmark = pytest.mark.django_db


def _numbers(line: str) -> list[int]:
    return [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", line)]


def _line(text: str, starts: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(starts))


def _poc_done(engagement):
    Engagement.objects.filter(pk=engagement.pk).update(stage=Stage.POC_DONE, furthest_stage=Stage.POC_DONE)
    engagement.refresh_from_db()
    return engagement


def _pack(engagement, user, **kw):
    args = {
        "clause": 2,
        "conditions_met": ["only_supplier", "poc_shows", "explainable"],
        "price_note": "他社3社の見積りより低い",
        "next_fiscal_year": 2030,
        "budget_request_deadline": dt.date(2029, 10, 31),
    } | kw
    return services.evidence_pack_create(engagement=engagement, actor=user, **args)


def test_the_pdf_is_japanese_with_embedded_fonts_and_the_records_figures(client, world):
    engagement = _poc_done(world.eng_a)
    services.progress_report_create(
        engagement=engagement,
        actor=world.staff_a,
        text="住民1,200人が利用",
        residents_served=1_200,
        cost_saved_yen=3_000_000,
    )
    services.progress_report_create(
        engagement=engagement,
        actor=world.user_a,
        text="保守費の削減",
        cost_saved_yen=450_000,
        contract_value_yen=5_500_000,
    )
    pack = _pack(engagement, world.staff_a)
    client.force_login(world.staff_a)
    response = client.get(reverse("reports:evidence_pack", args=[pack.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert_japanese_fonts_embedded(response.content)
    for expected in (
        "随意契約根拠資料",
        "地方自治法施行令第167条の2第1項",
        "第2号",
        "高松市",
        "株式会社データクレイドル",
        "他社3社の見積りより低い",
        "予算要求",
        "第1版",
    ):
        assert expected in text, expected
    # the figures equal the engagement's records: the highest residents served, the sum of cost saved
    reports = list(engagement.reports.all())
    assert (
        _numbers(_line(text, "利用した住民数"))[-1] == max(r.residents_served or 0 for r in reports) == 1_200
    )
    assert _numbers(_line(text, "削減できた費用（円）"))[-1] == sum(r.cost_saved_yen or 0 for r in reports)
    assert _numbers(_line(text, "契約金額（円）"))[-1] == 5_500_000
    assert text.count("☑") == 3


def test_each_version_prints_what_it_froze(client, world):
    engagement = _poc_done(world.eng_a)
    services.progress_report_create(
        engagement=engagement, actor=world.staff_a, text="開始", residents_served=100
    )
    first = _pack(engagement, world.staff_a)
    services.progress_report_create(
        engagement=engagement, actor=world.staff_a, text="拡大", residents_served=900
    )
    second = _pack(engagement, world.staff_a, clause=6, conditions_met=["disadvantage"])
    client.force_login(world.staff_a)
    one = pdf_text(client.get(reverse("reports:evidence_pack", args=[first.pk])).content)
    two = pdf_text(client.get(reverse("reports:evidence_pack", args=[second.pk])).content)
    assert _numbers(_line(one, "利用した住民数"))[-1] == 100 and "第1版" in one and "第2号" in one
    assert _numbers(_line(two, "利用した住民数"))[-1] == 900 and "第2版" in two and "第6号" in two


def test_who_gets_a_version(client, world):
    pack = _pack(_poc_done(world.eng_a), world.staff_a)
    url = reverse("reports:evidence_pack", args=[pack.pk])
    for user, status in (
        (world.staff_a, 200),
        (world.user_a, 200),
        (world.ministry, 200),
        (world.staff_b, 404),
        (world.user_b, 404),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.logout()
    assert client.get(url).status_code == 302


def test_the_matchings_reasons_are_printed_only_for_the_municipality_and_the_ministry(client):
    world = MatchingWorld()
    run = world.reasons_case()
    best = MatchProposal.objects.get(run=run, challenge=world.challenge_x, rank=1)
    matching_services.proposal_accept(proposal=best, actor=world.ministry_user, reason="面談で確認")
    engagement = _poc_done(Engagement.objects.get(challenge=world.challenge_x, startup=world.snow))
    pack = _pack(engagement, world.staff_x)
    assert pack.snapshot["proposal_id"] == best.pk
    url = reverse("reports:evidence_pack", args=[pack.pk])
    client.force_login(world.staff_x)
    assert "下位とした理由" in pdf_text(client.get(url).content)
    client.force_login(world.snow_user)
    text = pdf_text(client.get(url).content)
    assert "下位とした理由" not in text and "提案書" in text
