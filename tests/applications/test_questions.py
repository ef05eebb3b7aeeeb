"""A challenge's own questions and eligibility conditions, from the startup's form to the municipality's review.

Eligibility: each condition's reason in Japanese and English, shown on the challenge page and the form, and a
submission refused while a condition is not met. Answers: kept with a draft, checked as typed (bad input answered
in the user's language, nothing typed lost), required ones needed to submit, shown in the review and the exports.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from portal.accounts.models import StartupProfile
from portal.applications import services
from portal.applications.eligibility import eligibility_for, unanswered_required
from portal.applications.models import ApplicationAnswer, ApplicationState, TrackRecordEntry
from portal.challenges.models import ChallengePage
from portal.core.models import AuditEvent
from portal.geo.models import LocalGovernment, Prefecture
from tests import factories

from .factories import EXE, PROPOSAL, pdf_upload

Q_NAME = "11111111-1111-4111-8111-111111111111"
Q_PLAN = "22222222-2222-4222-8222-222222222222"
Q_SIZE = "33333333-3333-4333-8333-333333333333"
Q_KIND = "44444444-4444-4444-8444-444444444444"
Q_FILE = "55555555-5555-4555-8555-555555555555"

QUESTIONS = [
    {
        "type": "short_text",
        "id": Q_NAME,
        "value": {
            "label": "担当者の役職",
            "label_en": "Contact's position",
            "help_text": "",
            "required": True,
        },
    },
    {
        "type": "long_text",
        "id": Q_PLAN,
        "value": {"label": "運用体制", "label_en": "", "help_text": "", "required": False},
    },
    {
        "type": "number",
        "id": Q_SIZE,
        "value": {
            "label": "従業員数",
            "label_en": "Employees",
            "help_text": "",
            "required": True,
            "min_value": 1,
            "max_value": 500,
            "unit": "人",
        },
    },
    {
        "type": "choice",
        "id": Q_KIND,
        "value": {
            "label": "提供形態",
            "label_en": "Delivery",
            "help_text": "",
            "required": False,
            "choices": "クラウド\nオンプレミス",
        },
    },
    {
        "type": "file",
        "id": Q_FILE,
        "value": {"label": "会社案内", "label_en": "Company brochure", "help_text": "", "required": False},
    },
]


def with_questions(challenge, questions=QUESTIONS, *, prefectures=(), **conditions) -> ChallengePage:
    """The challenge as its municipality set it up in the editor: the questions and the conditions."""
    page = ChallengePage.objects.get(pk=challenge.pk)
    page.application_questions = questions
    for name, value in conditions.items():
        setattr(page, name, value)
    page.save()
    page.eligibility_prefectures.set(Prefecture.objects.filter(code__in=prefectures))
    page.save()
    return page


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(f"applications:{name}", args=args)


def _profile(world, *, corporate_number="", prefecture=None):
    profile, _ = StartupProfile.objects.get_or_create(organisation=world.startup_a)
    profile.corporate_number = corporate_number
    profile.save()
    world.startup_a.prefecture = prefecture
    world.startup_a.save()
    return profile


def _answers(**by_id):
    return {f"q_{k}": v for k, v in by_id.items()}


GOOD_ANSWERS = {Q_NAME: "情報政策課長", Q_SIZE: "12", Q_KIND: "クラウド", Q_PLAN: "2名で運用"}


# --------------------------------------------------------------------------------------------- eligibility


@pytest.mark.parametrize(
    "lang, texts",
    [
        (
            "ja",
            [
                "法人番号のある法人であること",
                "プロフィールに法人番号がありません",
                "自治体との実証実験（PoC）の実績があること",
                "プロフィールの実績に自治体との実証実験がありません",
                "所在地: 徳島県、香川県",
                "貴社の所在地は東京都です。この課題に応募できるのは次の都道府県に所在する企業です: 徳島県、香川県",
                "応募の条件を満たしていないため、この課題に応募を提出できません。",
            ],
        ),
        (
            "en",
            [
                "An incorporated company with a corporate number (法人番号)",
                "Your profile has no corporate number",
                "Has done a trial (PoC) with a municipality before",
                "Your profile&#x27;s track record lists no trial with a municipality",
                "Based in: Tokushima, Kagawa",
                "Your organisation is based in Tokyo; this challenge is for startups based in: Tokushima, Kagawa.",
                "Your organisation does not meet these conditions and cannot submit an application",
            ],
        ),
    ],
)
def test_a_startup_sees_on_the_challenge_page_which_condition_it_misses_and_why(client, world, lang, texts):
    for code, ja, en in [
        ("13", "東京都", "Tokyo"),
        ("37", "香川県", "Kagawa"),
        ("36", "徳島県", "Tokushima"),
    ]:
        factories.prefecture(code)
        Prefecture.objects.filter(code=code).update(name_ja=ja, name_en=en)
    _profile(world, prefecture=Prefecture.objects.get(code="13"))
    page = with_questions(
        world.challenge_x,
        eligibility_incorporated=True,
        eligibility_poc_record=True,
        prefectures=["37", "36"],
    )
    client.force_login(world.user_a)
    with translation.override(lang):
        html = client.get(page.url).content.decode()
    section = html[html.index('id="eligibility"') :]
    for text in texts:
        assert text in section, text
    assert section.count("condition-not-met") == 3


def test_a_visitor_sees_the_conditions_without_a_verdict(client, world):
    page = with_questions(world.challenge_x, eligibility_incorporated=True)
    html = client.get(page.url).content.decode()
    assert "condition-unchecked" in html and "condition-not-met" not in html


def test_each_condition_is_met_by_what_the_profile_says(world):
    factories.prefecture("37")
    page = with_questions(
        world.challenge_x, eligibility_incorporated=True, eligibility_poc_record=True, prefectures=["37"]
    )
    profile = _profile(world)
    assert [c.met for c in eligibility_for(world.startup_a, page)] == [False, False, False]
    profile = _profile(world, corporate_number="8000012010038", prefecture=Prefecture.objects.get(code="37"))
    TrackRecordEntry.objects.create(
        profile=profile,
        local_government=LocalGovernment.objects.get(code="372013"),
        year=2020,
        outcome=TrackRecordEntry.Outcome.POC,
    )
    assert [(c.key, c.met) for c in eligibility_for(world.startup_a, page)] == [
        ("incorporated", True),
        ("poc_record", True),
        ("region", True),
    ]


def test_a_challenge_without_conditions_lists_none(world):
    assert eligibility_for(world.startup_a, world.challenge_x) == []


def test_a_startup_that_is_not_eligible_cannot_submit_and_its_draft_stays(client, world):
    with_questions(world.challenge_x, questions=[], eligibility_incorporated=True)
    _profile(world)
    client.force_login(world.user_a)
    page = client.get(url("apply", world.challenge_x.pk)).content.decode()
    assert 'id="submit-application"' not in page and "Your profile has no corporate number" in page
    # A forged "submit" saves the draft and is refused with the reason.
    response = client.post(url("apply", world.challenge_x.pk), PROPOSAL | {"submit": "1"}, follow=True)
    application = world.startup_a.applications.get()
    assert application.state == ApplicationState.DRAFT and application.approach == PROPOSAL["approach"]
    assert "cannot apply to this challenge" in response.content.decode()
    with pytest.raises(services.ApplicationRefused, match="corporate number"):
        services.application_submit(application=application, actor=world.user_a)
    # With a corporate number it goes through.
    _profile(world, corporate_number="8000012010038")
    assert services.application_submit(application=application, actor=world.user_a)


# --------------------------------------------------------------------------------------------- answers


def test_the_form_shows_the_challenges_questions_in_the_readers_language(client, world):
    with_questions(world.challenge_x)
    client.force_login(world.user_a)
    en = client.get(url("apply", world.challenge_x.pk)).content.decode()
    assert "Questions from" in en and "Contact&#x27;s position" in en and "運用体制" in en
    assert "Employees (人)" in en and "クラウド" in en and f'name="q_{Q_FILE}"' in en
    ja = client.get(url("apply", world.challenge_x.pk, lang="ja")).content.decode()
    assert "担当者の役職" in ja and "高松市からの質問" in ja


def test_answers_are_kept_with_the_draft_and_sent_with_the_application(client, world):
    with_questions(world.challenge_x)
    client.force_login(world.user_a)
    data = PROPOSAL | _answers(**GOOD_ANSWERS) | {f"q_{Q_FILE}": pdf_upload("会社案内.pdf")}
    response = client.post(url("apply", world.challenge_x.pk), data)
    application = world.startup_a.applications.get()
    assert response.status_code == 302
    answers = {a.question_id: a for a in application.answers.all()}
    assert answers[Q_NAME].value == "情報政策課長" and answers[Q_SIZE].value == "12"
    assert answers[Q_FILE].attachment.original_name == "会社案内.pdf"
    # The edit form shows them again; changing one keeps the others.
    page = client.get(url("edit", application.pk)).content.decode()
    assert "情報政策課長" in page and "Sent: “会社案内.pdf”" in page
    client.post(url("edit", application.pk), PROPOSAL | _answers(**(GOOD_ANSWERS | {Q_SIZE: "１２０"})))
    assert ApplicationAnswer.objects.get(application=application, question_id=Q_SIZE).value == "120"
    assert application.answers.count() == 5
    event = AuditEvent.objects.filter(action="application.update").latest("pk")
    assert Q_SIZE in str(event.data)
    client.post(url("edit", application.pk), PROPOSAL | _answers(**GOOD_ANSWERS) | {"submit": "1"})
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


@pytest.mark.parametrize(
    "lang, answers, field, message",
    [
        ("en", {Q_SIZE: "twelve"}, Q_SIZE, "Enter a whole number."),
        ("ja", {Q_SIZE: "twelve"}, Q_SIZE, "整数を入力してください。"),
        ("en", {Q_SIZE: "501"}, Q_SIZE, "Enter 500 or less."),
        ("ja", {Q_SIZE: "0"}, Q_SIZE, "1以上を入力してください。"),
        ("en", {Q_KIND: "紙"}, Q_KIND, "Select a valid choice."),
        ("en", {Q_NAME: "あ" * 201}, Q_NAME, "at most 200 characters"),
        ("ja", {Q_NAME: "一行目\n二行目"}, Q_NAME, "1行で入力してください。"),
    ],
)
def test_bad_answers_are_refused_in_the_users_language_and_the_text_is_kept(
    client, world, lang, answers, field, message
):
    with_questions(world.challenge_x)
    client.force_login(world.user_a)
    typed = PROPOSAL | _answers(**(GOOD_ANSWERS | answers))
    response = client.post(url("apply", world.challenge_x.pk, lang=lang), typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert PROPOSAL["approach"] in html
    if field != Q_NAME:
        assert "情報政策課長" in html
    assert not world.startup_a.applications.exists()


def test_a_file_answer_is_checked_by_its_content(client, world):
    with_questions(world.challenge_x)
    client.force_login(world.user_a)
    exe = pdf_upload("brochure.pdf")
    exe.file = io.BytesIO(EXE)
    exe.size = len(EXE)
    response = client.post(url("apply", world.challenge_x.pk), PROPOSAL | {f"q_{Q_FILE}": exe})
    assert response.status_code == 200 and "not an accepted type" in response.content.decode()
    assert not world.startup_a.applications.exists()


def test_required_questions_must_be_answered_to_submit_not_to_save(world):
    page = with_questions(world.challenge_x)
    application = services.application_start(
        challenge=page, actor=world.user_a, answers={Q_PLAN: "体制"}, **PROPOSAL
    )
    assert [q.id for q in unanswered_required(application)] == [Q_NAME, Q_SIZE]
    with pytest.raises(services.ApplicationRefused, match="Please answer: Contact's position, Employees"):
        services.application_submit(application=application, actor=world.user_a)
    with translation.override("ja"), pytest.raises(services.ApplicationRefused, match="次の質問に回答"):
        services.application_submit(application=application, actor=world.user_a)
    services.application_update(
        application=application, actor=world.user_a, answers={Q_NAME: "課長", Q_SIZE: "3"}
    )
    assert services.application_submit(application=application, actor=world.user_a)


def test_the_service_refuses_unknown_questions_and_bad_answers_and_writes_nothing(world):
    page = with_questions(world.challenge_x)
    application = world.draft(challenge=page)
    with pytest.raises(Exception, match="no such question"):
        services.application_update(application=application, actor=world.user_a, answers={"nope": "x"})
    with pytest.raises(Exception, match="Enter 500 or less"):
        services.application_update(
            application=application, actor=world.user_a, answers={Q_NAME: "課長", Q_SIZE: "9999"}
        )
    assert not application.answers.exists()


def test_only_the_applicant_answers_a_file_question(world):
    page = with_questions(world.challenge_x)
    application = world.draft(challenge=page)
    with pytest.raises(services.ApplicationRefused):
        services.answer_file_set(
            application=application, actor=world.user_b, question_id=Q_FILE, uploaded=pdf_upload()
        )
    answer = services.answer_file_set(
        application=application, actor=world.user_a, question_id=Q_FILE, uploaded=pdf_upload("a.pdf")
    )
    # A second file replaces the first (the old attachment is removed).
    services.answer_file_set(
        application=application, actor=world.user_a, question_id=Q_FILE, uploaded=pdf_upload("b.pdf")
    )
    answer.refresh_from_db()
    assert answer.attachment.original_name == "b.pdf"
    assert list(application.attachments.values_list("original_name", flat=True)) == ["b.pdf"]
    assert AuditEvent.objects.filter(action="application.answer_file").count() == 2


# --------------------------------------------------------------------------------------------- review and exports


@pytest.fixture
def answered(world):
    page = with_questions(world.challenge_x)
    application = services.application_start(
        challenge=page, actor=world.user_a, answers=GOOD_ANSWERS, **PROPOSAL
    )
    services.answer_file_set(
        application=application, actor=world.user_a, question_id=Q_FILE, uploaded=pdf_upload("会社案内.pdf")
    )
    services.application_submit(application=application, actor=world.user_a)
    return application


def test_the_municipality_reads_the_answers_in_its_review(client, world, answered):
    client.force_login(world.staff_x)
    html = client.get(reverse("applications_review", args=[answered.pk])).content.decode()
    section = html[html.index('id="answers"') :]
    # The admin speaks the staff member's language (Japanese here): the questions as the municipality wrote them.
    for text in ["担当者の役職", "情報政策課長", "従業員数", "12", "提供形態", "クラウド", "会社案内.pdf"]:
        assert text in section, text
    # The startup sees the same on its application's page.
    client.force_login(world.user_a)
    assert "情報政策課長" in client.get(url("detail", answered.pk)).content.decode()


def test_the_answers_are_in_the_csv_export(client, world, answered):
    client.force_login(world.staff_x)
    response = client.get(reverse("reports_admin:applications"), {"export": "csv"})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    column = rows[0].index("課題の質問への回答")  # the admin's language
    assert "担当者の役職: 情報政策課長" in rows[1][column] and "会社案内: 会社案内.pdf" in rows[1][column]


def test_the_review_lists_export_reads_the_answers_its_listing_does_not(client, world, answered):
    """The review list reads only its columns (issue #20); its own spreadsheet export still has every column and
    the answers."""
    client.force_login(world.staff_x)
    listing = client.get(reverse("application:index")).content.decode()
    assert str(answered.startup) in listing and answered.challenge.title in listing
    assert "情報政策課長" not in listing
    response = client.get(reverse("application:index"), {"export": "csv"})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    column = rows[0].index("課題の質問への回答")
    assert "担当者の役職: 情報政策課長" in rows[1][column] and "会社案内: 会社案内.pdf" in rows[1][column]
    assert str(answered.startup) in rows[1] and answered.challenge.title in rows[1]


def test_an_english_admin_gets_the_export_in_english(client, world, answered):
    """The CSV streams after the view returns; its headings keep the admin's language (Wagtail's profile)."""
    from wagtail.users.models import UserProfile

    UserProfile.objects.update_or_create(user=world.staff_x, defaults={"preferred_language": "en"})
    client.force_login(world.staff_x)
    response = client.get(reverse("reports_admin:applications"), {"export": "csv"})
    with translation.override("ja"):  # what the thread speaks outside the admin's view
        body = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    column = rows[0].index("answers to the challenge's questions")
    assert "担当者の役職: 情報政策課長" in rows[1][column]


def test_a_reworded_question_keeps_the_wording_the_startup_answered(client, world, answered):
    changed = [
        dict(q, value=dict(q["value"], label="新しい質問")) if q["id"] == Q_PLAN else q for q in QUESTIONS
    ]
    changed = [q for q in changed if q["id"] != Q_KIND]  # and one question removed
    with_questions(world.challenge_x, questions=changed)
    client.force_login(world.staff_x)
    html = client.get(reverse("applications_review", args=[answered.pk])).content.decode()
    assert "新しい質問" in html and "提供形態" in html and "クラウド" in html
