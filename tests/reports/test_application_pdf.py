"""The application PDF (応募内容) of issue #23: the proposal, the startup, the challenge, the eligibility check and
every answer to the challenge's own questions, in Japanese, for whoever may see the application (the challenge's
municipality, ministry staff, the applying startup) and a 404 for anyone else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.accounts.models import StartupProfile
from portal.applications import services
from tests.applications.factories import PROPOSAL, World, pdf_upload
from tests.applications.test_questions import GOOD_ANSWERS, Q_FILE, Q_SIZE, QUESTIONS, with_questions

from .conftest import assert_japanese_fonts_embedded, pdf_text

# 従業員数 without its upper bound, so that the answer needs a thousands separator.
BIG_QUESTIONS = [
    dict(q, value=dict(q["value"], max_value=None)) if q["id"] == Q_SIZE else q for q in QUESTIONS
]


@pytest.fixture
def app_world(db):
    return World()


@pytest.fixture
def answered(app_world):
    world = app_world
    page = with_questions(world.challenge_x, BIG_QUESTIONS, eligibility_incorporated=True)
    StartupProfile.objects.update_or_create(
        organisation=world.startup_a, defaults={"corporate_number": "1234567890123"}
    )
    application = services.application_start(
        challenge=page, actor=world.user_a, answers=GOOD_ANSWERS | {Q_SIZE: "1200"}, **PROPOSAL
    )
    services.answer_file_set(
        application=application, actor=world.user_a, question_id=Q_FILE, uploaded=pdf_upload("会社案内.pdf")
    )
    services.application_submit(application=application, actor=world.user_a)
    return application


def _pdf(client, application):
    response = client.get(reverse("reports:application", args=[application.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response


def test_the_pdf_holds_the_application_the_eligibility_and_every_answer(client, app_world, answered):
    world = app_world
    client.force_login(world.staff_x)
    response = _pdf(client, answered)
    assert_japanese_fonts_embedded(response.content)
    text = pdf_text(response.content).replace("\n", "")
    attachment = answered.answers.get(question_id=Q_FILE).attachment
    for expected in (
        "応募: 除雪の見える化",
        "株式会社エー",
        "高松市",
        "1234567890123",  # the startup's corporate number
        "応募の条件",
        "法人番号のある法人であること",
        "満たしている",
        "応募の条件をすべて満たしています。",
        PROPOSAL["approach"],
        "1,200,000円",  # the cost estimate in the locale's form
        "課題の質問への回答",
        "担当者の役職",
        "情報政策課長",
        "従業員数",
        "1,200人",  # a number answer: separators and the question's unit
        "提供形態",
        "クラウド",  # a choice: its label
        "運用体制",
        "会社案内.pdf",  # a file answer: its name …
        f"/applications/{answered.pk}/attachments/{attachment.pk}/",  # … and where staff download it
    ):
        assert expected in text, expected


def test_unanswered_questions_and_unmet_conditions_are_said_so(client, app_world, answered):
    world = app_world
    answered.answers.filter(question_id="22222222-2222-4222-8222-222222222222").delete()  # 運用体制
    StartupProfile.objects.filter(organisation=world.startup_a).update(corporate_number="")
    client.force_login(world.user_a)
    text = pdf_text(_pdf(client, answered).content).replace("\n", "")
    assert "運用体制未回答" in text.replace(" ", "")
    assert "満たしていない" in text and "プロフィールに法人番号がありません" in text


def test_who_may_have_the_pdf(client, app_world, answered):
    world = app_world
    url = reverse("reports:application", args=[answered.pk])
    for insider in (world.staff_x, world.ministry_user, world.user_a):
        client.force_login(insider)
        assert client.get(url).status_code == 200, insider
    for outsider in (world.staff_y, world.user_b):  # another municipality, another startup
        client.force_login(outsider)
        assert client.get(url).status_code == 404, outsider
    client.force_login(world.staff_x)
    assert client.get(reverse("reports:application", args=[999_999])).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_draft_is_the_startups_own(client, app_world):
    world = app_world
    draft = world.draft()
    url = reverse("reports:application", args=[draft.pk])
    client.force_login(world.user_a)
    assert client.get(url).status_code == 200
    for outsider in (world.staff_x, world.ministry_user):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_the_review_screen_and_the_application_page_offer_the_pdf(client, app_world, answered):
    world = app_world
    pdf_url = reverse("reports:application", args=[answered.pk])
    client.force_login(world.staff_x)
    review = client.get(reverse("applications_review", args=[answered.pk])).content.decode()
    assert f'id="application-pdf" href="{pdf_url}"' in review and "応募内容（PDF）" in review
    client.force_login(world.user_a)
    detail = client.get(reverse("applications:detail", args=[answered.pk])).content.decode()
    assert f'href="{pdf_url}" id="application-pdf"' in detail and "応募内容（PDF）" in detail
