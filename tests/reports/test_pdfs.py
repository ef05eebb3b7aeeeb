"""The claim form, the engagement summary and the challenge sheet: read back, Japanese text and embedded fonts,
totals that are the sums of their lines, and who may get which PDF."""

import re

import pytest
from django.urls import reverse

from portal.core.fiscal import fiscal_year_label_ja
from portal.reports.selectors import claim_form
from portal.tracker.models import TravelState
from tests.challenges import factories as cf
from tests.tracker import factories as tf

from .conftest import assert_japanese_fonts_embedded, pdf_text

pytestmark = pytest.mark.django_db


def _yen_numbers(line: str) -> list[int]:
    return [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", line)]


def _line(text: str, starts: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(starts))


def test_claim_form_has_japanese_text_embedded_fonts_and_a_total_equal_to_its_breakdown(client, world):
    trip = world.paid_trip(actual=(38_000, 11_800, 4_400))
    client.force_login(world.user_a)
    response = client.get(reverse("reports:claim_form", args=[trip.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected in (
        "旅費精算書",
        "株式会社データクレイドル",
        "高松市",
        "山田太郎",
        "交通費（円）",
        "宿泊料（円）",
        "日当（円）",
        "StartupXAct",
    ):
        assert expected in text, expected
    assert_japanese_fonts_embedded(data)
    # Each breakdown line: estimate then actual; the total line holds the sums of the lines above it.
    lines = [_yen_numbers(_line(text, label)) for label in ("交通費（円）", "宿泊料（円）", "日当（円）")]
    assert lines == [[40_000, 38_000], [11_800, 11_800], [4_400, 4_400]]
    total = _yen_numbers(_line(text, "合計（円）"))
    assert total == [sum(est for est, _act in lines), sum(act for _est, act in lines)] == [56_200, 54_200]
    assert "54,200" in _line(text, "請求額（円）")
    assert "1 / 1" in text  # page numbers


def test_claim_form_totals_are_sums_for_a_trip_not_yet_settled(world):
    trip = tf.travel_request(world.eng_a, world.user_a, fares=12_345, lodging=6_789, allowance=1_100)
    claim = claim_form(trip)
    assert claim.estimate_total_yen == 12_345 + 6_789 + 1_100 == trip.estimate_total_yen
    assert claim.actual_total_yen is None and claim.claimed_yen == claim.estimate_total_yen


def test_claim_form_of_another_startup_is_404_and_parties_and_ministry_get_it(client, world):
    trip = world.paid_trip()
    url = reverse("reports:claim_form", args=[trip.pk])
    client.force_login(world.user_b)
    assert client.get(url).status_code == 404
    client.force_login(world.staff_b)  # another municipality
    assert client.get(url).status_code == 404
    for user in (world.user_a, world.staff_a, world.ministry):
        client.force_login(user)
        assert client.get(url).status_code == 200
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert trip.state == TravelState.PAID


def test_engagement_summary_for_the_municipality_and_404_for_others(client, world):
    from portal.tracker import services

    services.progress_report_create(
        engagement=world.eng_a,
        actor=world.staff_a,
        text="利用データを分析した",
        residents_served=1200,
        cost_saved_yen=350_000,
        contract_value_yen=None,
        files=[],
    )
    url = reverse("reports:engagement_summary", args=[world.eng_a.pk])
    client.force_login(world.staff_a)
    response = client.get(url)
    assert response.status_code == 200
    text = pdf_text(response.content)
    for expected in (
        "取組みの概要",
        "高松市",
        "株式会社データクレイドル",
        "レンタサイクルの利用分析",
        "利用データを分析した",
        "350,000",
        "1,200",
    ):
        assert expected in text, expected
    assert_japanese_fonts_embedded(response.content)
    for outsider in (world.staff_b, world.user_b):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_challenge_sheet_is_public_for_live_challenges_only(client, world):
    live = cf.challenge(
        municipality_org=world.muni_a, title="除雪車の位置情報の公開", summary="除雪の見える化"
    )
    draft = cf.challenge(municipality_org=world.muni_a, title="下書きの課題", publish=False)
    response = client.get(reverse("reports:challenge_sheet", args=[live.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "除雪車の位置情報の公開" in text and "除雪の見える化" in text and "高松市" in text
    assert_japanese_fonts_embedded(response.content)
    assert client.get(reverse("reports:challenge_sheet", args=[draft.pk])).status_code == 404


def test_english_pdf_when_the_site_is_in_english(client, world):
    trip = world.paid_trip()
    client.force_login(world.user_a)
    response = client.get("/en" + reverse("reports:claim_form", args=[trip.pk]))
    text = pdf_text(response.content)
    assert "Travel-cost claim form" in text and "高松市" in text  # place names stay Japanese
    assert_japanese_fonts_embedded(response.content)


def test_claim_form_names_the_fiscal_year_in_japanese_and_approves_nothing_before_the_decision(client, world):
    """QA pass: the Japanese claim form said 年度: FY2026 and 承認額 0 for a request nobody had decided yet."""
    trip = tf.travel_request(world.eng_a, world.user_a)
    client.force_login(world.user_a)
    text = pdf_text(client.get(reverse("reports:claim_form", args=[trip.pk])).content)
    assert f"年度: {fiscal_year_label_ja(trip.fiscal_year)}" in text and f"FY{trip.fiscal_year}" not in text
    assert _line(text, "承認額（円）").split()[1] == "—"
    english = pdf_text(client.get("/en" + reverse("reports:claim_form", args=[trip.pk])).content)
    assert f"FY{trip.fiscal_year}" in english
