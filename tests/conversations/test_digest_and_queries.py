"""The daily digest (one e-mail per user, grouped by thread, sent once) and fixed query counts for thread lists."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from portal.accounts.models import Organisation
from portal.applications import services as application_services
from portal.conversations import selectors, services
from portal.conversations.models import PendingDigestItem
from portal.core.models import AuditEvent
from tests import factories
from tests.applications.factories import PROPOSAL
from tests.challenges import factories as challenge_factories

pytestmark = pytest.mark.django_db


def test_the_digest_groups_each_users_messages_by_thread_and_is_sent_once(
    world, django_capture_on_commit_callbacks
):
    services.message_preference_set(user=world.user_a, email="daily")
    services.message_preference_set(user=world.user_a2, email="off")
    services.message_preference_set(user=world.staff_x, email="daily")
    app_thread = services.thread_for_application(application=world.app_ax)
    eng_thread = services.thread_for_engagement(engagement=world.engagement_xa)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(thread=app_thread, actor=world.staff_x, body="一通目の本文")
        services.message_post(thread=app_thread, actor=world.ministry_user, body="二通目の本文")
        services.message_post(thread=eng_thread, actor=world.staff_x, body="取組みの連絡")
        services.message_post(thread=app_thread, actor=world.staff_x, body="内部メモの本文", internal=True)
        services.message_post(thread=eng_thread, actor=world.user_a2, body="スタートアップから")
    # Nobody who chose the digest (or nothing) was e-mailed at once; the ministry got the reply? No: it follows
    # only the application's thread, and the reply was in the engagement's.
    assert {a for m in mail.outbox for a in m.to} <= {"staff@mic.example.jp"}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_message_digests()
    assert sent == 2
    by_user = {m.to[0]: m for m in mail.outbox}
    assert set(by_user) == {"a@startup.example.jp", "staff@takamatsu.example.jp"}
    a_mail = by_user["a@startup.example.jp"].body
    assert "一通目の本文" in a_mail and "二通目の本文" in a_mail and "取組みの連絡" in a_mail
    assert "内部メモの本文" not in a_mail  # never an internal note for the startup
    assert a_mail.count("■") == 2  # two threads, each once
    assert "スタートアップから" in by_user["staff@takamatsu.example.jp"].body
    assert not PendingDigestItem.objects.exists()
    assert AuditEvent.objects.filter(action="message.digest").count() == 2
    # Sent once: running it again sends nothing.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_message_digests() == 0
        call_command("send_message_digests", verbosity=0)
    assert mail.outbox == []


def test_messages_read_before_the_digest_are_left_out(world, django_capture_on_commit_callbacks):
    services.message_preference_set(user=world.user_a, email="daily")
    thread = services.thread_for_application(application=world.app_ax)
    services.message_post(thread=thread, actor=world.staff_x, body="読んだメッセージ")
    services.thread_mark_read(thread=thread, user=world.user_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_message_digests() == 0
    assert not [m for m in mail.outbox if "a@startup.example.jp" in m.to]


def test_the_task_sends_the_digest(world, django_capture_on_commit_callbacks):
    from portal.conversations.tasks import send_message_digests_task

    services.message_preference_set(user=world.user_a, email="daily")
    services.message_post(
        thread=services.thread_for_application(application=world.app_ax), actor=world.staff_x, body="タスク"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_message_digests_task.enqueue()  # immediate in tests
    assert [m.to for m in mail.outbox] == [["a@startup.example.jp"]]


# --------------------------------------------------------------------------------------------- query counts


def _many_threads(world, n: int, start: int = 0) -> None:
    """n applications of new startups to X's challenge, each with a thread with two messages and a note, and
    n engagements of A with a thread each (the ministry follows all)."""
    for i in range(start, start + n):
        org = factories.organisation(Organisation.Kind.STARTUP, name=f"株式会社{i}", slug=f"s-{i}")
        user = factories.member(org, email=f"u{i}@startup.example.jp")
        application = application_services.application_start(
            challenge=world.challenge_x, actor=user, **PROPOSAL
        )
        application_services.application_submit(application=application, actor=user)
        thread = services.thread_for_application(application=application)
        services.message_post(thread=thread, actor=user, body="こんにちは")
        services.message_post(thread=thread, actor=world.staff_x, body="内部", internal=True)
        services.thread_mark_read(thread=thread, user=world.ministry_user)
        services.message_post(thread=thread, actor=user, body="追伸")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["staff_x", "ministry_user"])
def test_thread_lists_take_the_same_queries_for_10_and_100_threads(client, world, who):
    user = getattr(world, who)
    client.force_login(user)
    with translation.override("en"):
        site_url = reverse("conversations:threads")
    admin_url = reverse("message_thread:index")
    _many_threads(world, 10)
    home = reverse("wagtailadmin_home")
    for url in (site_url, admin_url, home):  # the first visit fills per-session caches (Wagtail's dashboard)
        client.get(url)
    counts_10 = (_queries(client, site_url), _queries(client, admin_url), _queries(client, home))
    # X read each thread when writing its note, the ministry when opening it: only the last message is unread.
    assert selectors.unread_message_count(user) == 10
    _many_threads(world, 90, start=10)
    counts_100 = (_queries(client, site_url), _queries(client, admin_url), _queries(client, home))
    assert counts_10 == counts_100
    assert selectors.unread_message_count(user) == 100


def test_a_threads_messages_take_the_same_queries_for_10_and_100_messages(client, world):
    thread = services.thread_for_application(application=world.app_ax)
    client.force_login(world.user_a)
    with translation.override("en"):
        url = reverse("conversations:application_thread", args=[world.app_ax.pk])

    def post(n):
        for i in range(n):
            services.message_post(
                thread=thread, actor=world.staff_x, body=f"本文{i}", files=[] if i % 3 else [_pdf(i)]
            )

    post(10)
    client.get(url)  # the first visit creates the read mark; later ones update it
    first = _queries(client, url)
    post(90)
    assert _queries(client, url) == first


def _pdf(i):
    from tests.applications.factories import pdf_upload

    return pdf_upload(f"{i}.pdf")


def test_the_question_list_takes_the_same_queries_for_10_and_100_questions(client, world):
    challenge = challenge_factories.challenge(municipality_org=world.muni_x, title="質問の多い課題")
    client.force_login(world.staff_x)
    url = reverse("question:index")

    def ask(n):
        for i in range(n):
            question = services.question_ask(challenge=challenge, actor=world.user_b, text=f"質問{i}")
            if i % 2:
                services.question_answer(question=question, actor=world.staff_x, answer="回答")

    ask(10)
    client.get(url)
    first = _queries(client, url)
    with translation.override("en"):
        page = challenge.url
    client.get(page)
    public_first = _queries(client, page)
    ask(90)
    assert _queries(client, url) == first
    assert _queries(client, page) == public_first
