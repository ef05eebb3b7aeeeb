"""The site's and the admin's question and conversation pages: who sees what, bad input kept and explained,
markup escaped, 404 for other organisations."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from portal.conversations import selectors, services
from portal.conversations.models import Question
from tests.applications.factories import pdf_upload

pytestmark = pytest.mark.django_db


def site(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(f"conversations:{name}", args=args)


def page_url(challenge, lang="en"):
    with translation.override(lang):
        return challenge.url


# --------------------------------------------------------------------------------------------- questions


def test_an_anonymous_visitor_sees_answers_without_the_asker_and_no_unanswered_question(client, world):
    answered = services.question_ask(challenge=world.challenge_x, actor=world.user_b, text="答えのある質問")
    services.question_answer(question=answered, actor=world.staff_x, answer="これが答えです")
    services.question_ask(challenge=world.challenge_x, actor=world.user_b, text="まだ答えのない質問")
    body = client.get(page_url(world.challenge_x)).content.decode()
    assert "答えのある質問" in body and "これが答えです" in body
    assert "まだ答えのない質問" not in body
    assert "株式会社ビー" not in body and "b@startup.example.jp" not in body
    assert "Answers published: 1" in body
    assert "Questions until" in body


def test_the_asker_sees_its_waiting_question_and_another_startup_does_not(client, world):
    services.question_ask(challenge=world.challenge_x, actor=world.user_b, text="Bの質問です")
    client.force_login(world.user_b)
    assert "Bの質問です" in client.get(page_url(world.challenge_x)).content.decode()
    client.force_login(world.user_a)
    assert "Bの質問です" not in client.get(page_url(world.challenge_x)).content.decode()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_asking_after_the_period_keeps_the_text_and_says_why(client, world, lang):
    world.challenge_x.questions_until = timezone.now() - dt.timedelta(hours=1)
    world.challenge_x.save_revision().publish()
    client.force_login(world.user_b)
    response = client.post(site("ask", world.challenge_x.pk, lang=lang), {"text": "遅れた質問の本文"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "遅れた質問の本文" in body
    expected = "質問受付期間" if lang == "ja" else "question period"
    assert expected in body
    assert not Question.objects.exists()


def test_an_empty_question_is_explained(client, world):
    client.force_login(world.user_b)
    response = client.post(site("ask", world.challenge_x.pk), {"text": "   "})
    assert response.status_code == 400 and "error-summary" in response.content.decode()


def test_markup_in_questions_and_answers_comes_back_escaped(client, world):
    client.force_login(world.user_b)
    response = client.post(site("ask", world.challenge_x.pk), {"text": "<script>alert(1)</script>質問"})
    assert response.status_code == 302
    question = Question.objects.get()
    services.question_answer(question=question, actor=world.staff_x, answer="<img src=x onerror=alert(2)>")
    body = client.get(page_url(world.challenge_x)).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body
    assert "<img src=x" not in body and "&lt;img src=x" in body


def test_staff_answer_in_the_admin(client, world):
    question = services.question_ask(challenge=world.challenge_x, actor=world.user_b, text="管理画面で答える")
    url = reverse("conversations_question", args=[question.pk])
    client.force_login(world.staff_y)
    assert client.get(url).status_code == 404
    client.force_login(world.staff_x)
    listing = client.get(reverse("question:index")).content.decode()
    assert "管理画面で答える" in listing
    response = client.post(url, {"action": "answer", "answer-answer": ""})
    assert response.status_code == 400
    response = client.post(url, {"action": "answer", "answer-answer": "お答えします"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer == "お答えします" and question.is_published
    # Municipality staff cannot hide; the ministry can.
    assert client.post(url, {"action": "hide", "hide-reason": "x"}).status_code == 400
    client.force_login(world.ministry_user)
    assert client.post(url, {"action": "hide", "hide-reason": "不適切"}).status_code == 302
    question.refresh_from_db()
    assert question.state == "hidden"


# --------------------------------------------------------------------------------------------- threads


def test_the_startup_replies_in_the_thread_and_others_get_404(client, world):
    services.message_post(
        thread=services.thread_for_application(application=world.app_ax),
        actor=world.staff_x,
        body="ご質問です",
    )
    url = site("application_thread", world.app_ax.pk)
    for outsider in (world.user_b, world.staff_y):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "割り込み"}).status_code == 404
    client.force_login(world.user_a)
    assert selectors.unread_message_count(world.user_a) == 1
    body = client.get(url).content.decode()
    assert "ご質問です" in body
    assert selectors.unread_message_count(world.user_a) == 0
    response = client.post(url, {"body": "お答えします", "files": [pdf_upload("補足.pdf")]})
    assert response.status_code == 302
    assert selectors.unread_message_count(world.staff_x) == 1


def test_a_message_with_a_bad_file_keeps_the_text(client, world):
    client.force_login(world.user_a)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        site("application_thread", world.app_ax.pk),
        {"body": "この本文は残る", "files": [SimpleUploadedFile("x.pdf", b"MZ" + b"\0" * 100)]},
    )
    assert response.status_code == 400
    assert "この本文は残る" in response.content.decode()


def test_internal_notes_are_not_on_the_startups_page_nor_downloadable(client, world):
    thread = services.thread_for_application(application=world.app_ax)
    note = services.message_post(
        thread=thread,
        actor=world.staff_x,
        body="社内メモ zq-secret",
        internal=True,
        files=[pdf_upload("memo.pdf")],
    )
    attachment = note.attachments.get()
    client.force_login(world.user_a)
    assert "zq-secret" not in client.get(site("application_thread", world.app_ax.pk)).content.decode()
    assert client.get(site("attachment", thread.pk, attachment.pk)).status_code == 404
    client.force_login(world.staff_x)
    admin_page = client.get(
        reverse("conversations_application_thread", args=[world.app_ax.pk])
    ).content.decode()
    assert "zq-secret" in admin_page
    response = client.get(site("attachment", thread.pk, attachment.pk))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")


def test_staff_post_an_internal_note_from_the_admin(client, world):
    client.force_login(world.staff_x)
    url = reverse("conversations_application_thread", args=[world.app_ax.pk])
    assert client.post(url, {"body": "内部の相談", "internal": "on"}).status_code == 302
    assert client.post(url, {"body": ""}).status_code == 400
    thread = selectors.thread_of_application(world.app_ax)
    assert thread.messages.get().is_internal


def test_the_preference_page(client, world):
    client.force_login(world.user_a)
    assert client.get(site("preferences")).status_code == 200
    assert client.post(site("preferences"), {"email": "daily"}).status_code == 302
    assert services.message_preference_of(world.user_a) == "daily"
    assert client.post(site("preferences"), {"email": "weekly"}).status_code == 400


def test_my_page_starts_with_the_action_needed(client, world):
    from portal.applications import services as application_services

    application_services.application_request_more_info(
        application=world.app_ax, actor=world.staff_x, message="内訳をください"
    )
    client.force_login(world.user_a)
    with translation.override("en"):
        body = client.get("/en/mypage/").content.decode()
    assert 'id="action-needed"' in body
    assert body.index('id="action-needed"') < body.index("Your organisation")
    assert 'data-kind="application.reply"' in body
    assert site("application_thread", world.app_ax.pk) in body


def test_the_admin_menu_shows_the_unread_count(client, world):
    services.message_post(
        thread=services.thread_for_application(application=world.app_ax),
        actor=world.user_a,
        body="お世話になります",
    )
    client.force_login(world.staff_x)
    body = client.get(reverse("message_thread:index")).content.decode()
    # The sidebar's items are JSON props (non-ASCII escaped): read them back.
    props = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', body, re.S
    )
    sidebar = json.dumps(json.loads(props.group(1)), ensure_ascii=False)
    assert "Messages (1)" in sidebar or "メッセージ (1)" in sidebar


def test_asking_and_posting_are_rate_limited_per_user(client, world, settings):
    settings.RATE_LIMIT_QUESTION = "2/h"
    settings.RATE_LIMIT_MESSAGE = "2/h"
    client.force_login(world.user_b)
    for i in range(2):
        assert client.post(site("ask", world.challenge_x.pk), {"text": f"質問{i}"}).status_code == 302
    refused = client.post(site("ask", world.challenge_x.pk), {"text": "三つ目"})
    assert refused.status_code == 429 and "Too many requests" in refused.content.decode()
    assert Question.objects.count() == 2
    assert client.get(site("ask", world.challenge_x.pk)).status_code == 200  # reading the form is not limited
    client.force_login(world.user_a)
    url = site("application_thread", world.app_ax.pk)
    for i in range(2):
        assert client.post(url, {"body": f"本文{i}"}).status_code == 302
    assert client.post(url, {"body": "三通目"}).status_code == 429
    assert selectors.thread_of_application(world.app_ax).messages.count() == 2
    # Another user is not affected, in the admin either.
    client.force_login(world.staff_x)
    admin_url = reverse("conversations_application_thread", args=[world.app_ax.pk])
    assert client.post(admin_url, {"body": "職員から"}).status_code == 302
