"""Questions and threads: the services' allowed and refused paths, visibility, unread counts, the info request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.applications import services as application_services
from portal.applications.models import ApplicationState
from portal.conversations import selectors, services
from portal.conversations.models import (
    ChallengeFollow,
    Message,
    MessageKind,
    QuestionState,
)
from portal.core.models import AuditEvent, Notification
from tests.applications.factories import EXE, pdf_upload

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------------------------- questions


def test_a_startup_asks_and_the_municipality_is_told(world):
    question = services.question_ask(
        challenge=world.challenge_x, actor=world.user_b, text="  データの形式は？ "
    )
    assert question.text == "データの形式は？" and question.state == QuestionState.OPEN
    assert question.organisation == world.startup_b
    assert AuditEvent.objects.filter(action="question.ask", object_id=str(question.pk)).exists()
    assert Notification.objects.filter(recipient=world.staff_x, kind="question.asked").exists()
    assert not Notification.objects.filter(recipient=world.staff_y, kind="question.asked").exists()
    assert ChallengeFollow.objects.filter(challenge=world.challenge_x, user=world.user_b).exists()


@pytest.mark.parametrize("who", ["X", "M"])
def test_staff_cannot_ask(world, who):
    with pytest.raises(ValidationError, match="Only startup members"):
        services.question_ask(challenge=world.challenge_x, actor=world.everyone[who], text="質問")


def test_empty_and_too_long_questions_are_refused(world):
    with pytest.raises(ValidationError) as empty:
        services.question_ask(challenge=world.challenge_x, actor=world.user_b, text="   ")
    assert "Please write your question." in empty.value.message_dict["text"]
    with pytest.raises(ValidationError) as long:
        services.question_ask(challenge=world.challenge_x, actor=world.user_b, text="あ" * 2001)
    assert "2000" in long.value.message_dict["text"][0]


def test_questions_after_the_period_are_refused(world):
    world.challenge_x.questions_until = timezone.now() - dt.timedelta(minutes=1)
    world.challenge_x.save_revision().publish()
    with pytest.raises(ValidationError, match="question period"):
        services.question_ask(challenge=world.challenge_x, actor=world.user_b, text="遅い質問")


def test_the_default_period_ends_a_week_before_the_deadline(world):
    closes = world.challenge_x.application_closes
    with pytest.raises(ValidationError, match="question period"):
        services.question_ask(
            challenge=world.challenge_x, actor=world.user_b, text="質問", now=closes - dt.timedelta(days=6)
        )
    services.question_ask(
        challenge=world.challenge_x, actor=world.user_b, text="質問", now=closes - dt.timedelta(days=8)
    )


def test_an_answer_is_published_and_applicants_and_followers_are_told(world):
    question = services.question_ask(challenge=world.challenge_x, actor=world.user_b, text="データの形式は？")
    assert list(selectors.published_questions(world.challenge_x)) == []
    with pytest.raises(ValidationError):
        services.question_answer(question=question, actor=world.staff_y, answer="CSVです")
    with pytest.raises(ValidationError):
        services.question_answer(question=question, actor=world.user_a, answer="CSVです")
    services.question_answer(question=question, actor=world.staff_x, answer="CSVです")
    assert list(selectors.published_questions(world.challenge_x)) == [question]
    told = set(
        Notification.objects.filter(kind="question.answered").values_list("recipient__email", flat=True)
    )
    # A applied to X's challenge (both its members), B asked and so follows it; staff are not told.
    assert told == {"a@startup.example.jp", "a2@startup.example.jp", "b@startup.example.jp"}
    # Correcting the answer does not tell everyone again.
    services.question_answer(question=question, actor=world.ministry_user, answer="CSV と JSON です")
    assert Notification.objects.filter(kind="question.answered").count() == 3
    assert AuditEvent.objects.filter(action="question.answer").count() == 2


def test_the_ministry_edits_merges_and_hides(world):
    first = services.question_ask(challenge=world.challenge_x, actor=world.user_b, text="予算は？")
    second = services.question_ask(
        challenge=world.challenge_x, actor=world.user_a, text="予算はいくら？ 電話 090-0000"
    )
    for refused in (world.staff_x, world.user_a):
        with pytest.raises(ValidationError):
            services.question_edit(question=second, actor=refused, text="x")
        with pytest.raises(ValidationError):
            services.question_hide(question=second, actor=refused, reason="x")
    services.question_edit(question=second, actor=world.ministry_user, text="予算はいくら？")
    services.question_merge(question=second, into=first, actor=world.ministry_user)
    second.refresh_from_db()
    assert second.state == QuestionState.MERGED and second.merged_into == first
    services.question_hide(question=first, actor=world.ministry_user, reason="重複")
    first.refresh_from_db()
    assert first.state == QuestionState.HIDDEN
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"question.edit", "question.merge", "question.hide"} <= actions


def test_a_question_cannot_be_merged_into_another_challenges(world):
    first = services.question_ask(challenge=world.challenge_x, actor=world.user_b, text="予算は？")
    other = services.question_ask(challenge=world.challenge_y, actor=world.user_a, text="予算は？")
    with pytest.raises(ValidationError):
        services.question_merge(question=first, into=other, actor=world.ministry_user)


# --------------------------------------------------------------------------------------------- threads


def test_the_startup_and_the_municipality_talk_and_the_ministry_may_join(world):
    thread = services.thread_for_application(application=world.app_ax)
    assert services.thread_for_application(application=world.app_ax) == thread  # idempotent
    services.message_post(thread=thread, actor=world.staff_x, body="ご提案ありがとうございます")
    services.message_post(thread=thread, actor=world.user_a, body="よろしくお願いします")
    services.message_post(thread=thread, actor=world.ministry_user, body="省からも一言")
    sides = [m.side for m in thread.messages.all()]
    assert sides == [Message.Side.MUNICIPALITY, Message.Side.STARTUP, Message.Side.MINISTRY]
    for outsider in (world.user_b, world.staff_y):
        with pytest.raises(ValidationError):
            services.message_post(thread=thread, actor=outsider, body="割り込み")
    assert AuditEvent.objects.filter(action="message.post").count() == 3


def test_internal_notes_only_for_staff_and_never_shown_to_the_startup(world):
    thread = services.thread_for_application(application=world.app_ax)
    services.message_post(thread=thread, actor=world.user_a, body="質問です")
    with pytest.raises(ValidationError):
        services.message_post(thread=thread, actor=world.user_a, body="内部?", internal=True)
    note = services.message_post(thread=thread, actor=world.staff_x, body="内部メモ: 予算確認", internal=True)
    assert note.kind == MessageKind.NOTE
    assert AuditEvent.objects.filter(action="message.note").exists()
    assert note not in selectors.thread_messages(world.user_a, thread)
    assert note not in selectors.thread_messages(world.user_a2, thread)
    assert note in selectors.thread_messages(world.staff_x, thread)
    assert note in selectors.thread_messages(world.ministry_user, thread)
    # nor counted as unread for the startup
    assert selectors.unread_message_count(world.user_a) == 0


def test_unread_counts_follow_read_marks(world):
    thread = services.thread_for_application(application=world.app_ax)
    services.message_post(thread=thread, actor=world.staff_x, body="一通目")
    services.message_post(thread=thread, actor=world.staff_x, body="二通目")
    assert selectors.unread_message_count(world.user_a) == 2
    assert selectors.unread_message_count(world.user_a2) == 2
    assert selectors.unread_message_count(world.staff_x) == 0  # own messages
    assert selectors.unread_message_count(world.user_b) == 0
    services.thread_mark_read(thread=thread, user=world.user_a)
    assert selectors.unread_message_count(world.user_a) == 0
    assert selectors.unread_message_count(world.user_a2) == 2
    # The ministry counts only the threads it follows (has opened).
    assert selectors.unread_message_count(world.ministry_user) == 0
    services.thread_mark_read(thread=thread, user=world.ministry_user)
    services.message_post(thread=thread, actor=world.user_a, body="返信")
    assert selectors.unread_message_count(world.ministry_user) == 1
    assert selectors.unread_message_count(world.staff_x) == 1


def test_a_draft_has_no_conversation(world):
    draft = application_services.application_start(
        challenge=world.challenge_y, actor=world.user_a, approach="下書き"
    )
    with pytest.raises(ValidationError):
        services.message_post(
            thread=services.thread_for_application(application=draft), actor=world.user_a, body="下書きです"
        )


def test_the_request_for_information_is_a_message_and_the_reply_answers_it(world):
    application_services.application_request_more_info(
        application=world.app_ax, actor=world.staff_x, message="費用の内訳を教えてください"
    )
    thread = selectors.thread_of_application(world.app_ax)
    request = thread.messages.get()
    assert request.kind == MessageKind.INFO_REQUEST and request.side == Message.Side.MUNICIPALITY
    approach_before = world.app_ax.approach
    reply = services.message_post(
        thread=thread, actor=world.user_a, body="内訳を添付します", files=[pdf_upload("内訳.pdf")]
    )
    assert reply.answered_info_request
    world.app_ax.refresh_from_db()
    assert world.app_ax.state == ApplicationState.SUBMITTED
    assert world.app_ax.approach == approach_before  # the proposal was not re-edited
    assert reply.attachments.get().original_name == "内訳.pdf"
    assert selectors.unread_message_count(world.staff_x) == 1


def test_attachments_are_checked_like_an_applications(world):
    thread = services.thread_for_application(application=world.app_ax)
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as bad:
        services.message_post(
            thread=thread,
            actor=world.user_a,
            body="ファイル",
            files=[SimpleUploadedFile("proposal.pdf", EXE, content_type="application/pdf")],
        )
    assert "proposal.pdf" in bad.value.message_dict["files"][0]
    with pytest.raises(ValidationError):
        services.message_post(
            thread=thread, actor=world.user_a, body="大きい", files=[pdf_upload(size=10 * 1024 * 1024 + 1)]
        )
    with pytest.raises(ValidationError):
        services.message_post(
            thread=thread, actor=world.user_a, body="多い", files=[pdf_upload(f"{i}.pdf") for i in range(6)]
        )
    assert not thread.messages.exists()


def test_empty_and_too_long_messages_are_refused(world):
    thread = services.thread_for_application(application=world.app_ax)
    with pytest.raises(ValidationError) as empty:
        services.message_post(thread=thread, actor=world.user_a, body=" \n ")
    assert "Please write a message." in empty.value.message_dict["body"]
    with pytest.raises(ValidationError):
        services.message_post(thread=thread, actor=world.user_a, body="あ" * 5001)


def test_an_engagement_thread_includes_both_parties(world):
    thread = services.thread_for_engagement(engagement=world.engagement_xa)
    services.message_post(thread=thread, actor=world.user_a, body="訪問日程の相談です")
    services.message_post(thread=thread, actor=world.staff_x, body="承知しました")
    with pytest.raises(ValidationError):
        services.message_post(thread=thread, actor=world.staff_y, body="部外者")
    assert selectors.unread_message_count(world.staff_x) == 0
    assert selectors.unread_message_count(world.user_a2) == 2


# --------------------------------------------------------------------------------------------- e-mail


def test_immediate_e_mail_goes_to_the_other_side_in_their_language(world, django_capture_on_commit_callbacks):
    world.user_a2.preferred_language = "en"
    world.user_a2.save()
    services.message_preference_set(user=world.user_a, email="off")
    thread = services.thread_for_application(application=world.app_ax)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(thread=thread, actor=world.staff_x, body="<b>ご確認</b>ください")
    assert [m.to for m in mail.outbox] == [["a2@startup.example.jp"]]
    assert mail.outbox[0].subject.startswith("New message")
    assert "/en/applications/" in mail.outbox[0].body


def test_internal_notes_are_never_e_mailed_to_the_startup(world, django_capture_on_commit_callbacks):
    thread = services.thread_for_application(application=world.app_ax)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(thread=thread, actor=world.ministry_user, body="内部メモ", internal=True)
    assert {a for m in mail.outbox for a in m.to} == {"staff@takamatsu.example.jp"}


def test_the_preference_is_audited_and_checked(world):
    services.message_preference_set(user=world.user_a, email="daily")
    assert services.message_preference_of(world.user_a) == "daily"
    assert AuditEvent.objects.filter(action="message.preference").exists()
    with pytest.raises(ValidationError):
        services.message_preference_set(user=world.user_a, email="hourly")
