"""Issue #18's acceptance journey in a real browser, in Japanese and in English.

A startup asks a question → the municipality answers in the admin → the answer is on the challenge page for an
anonymous visitor without the asker's name → another applicant is notified; the municipality asks for more
information → the startup replies in the thread without re-editing its proposal → the municipality's admin home
shows the unread reply; the municipality proposes three slots → the startup picks one → both get an .ics (parsed
here: JST times, UID, organiser, location) → a travel request opens pre-filled from the visit; the ministry's admin
home lists what waits for it. axe finds no serious or critical violation on the meeting pages and the travel form.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from icalendar import Calendar
from wagtail.users.models import UserProfile

from portal.applications import services as application_services
from portal.applications.models import Application, ApplicationState
from portal.conversations.models import Question, QuestionState
from portal.core.calendar import today_jst
from portal.core.fiscal import JST
from portal.core.models import Notification
from portal.tracker.models import Meeting, MeetingState, TravelRequest
from tests import factories
from tests.browser.axe import AxeChecker
from tests.browser.login import log_in
from tests.challenges import factories as challenge_factories
from tests.tracker import factories as tf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PROPOSAL = {
    "approach": "除雪車にGPSを載せて位置を公開する",
    "expected_outcome": "問い合わせの削減",
    "timeline": "4か月",
    "cost_estimate_yen": 1_200_000,
    "needs_from_municipality": "運行データ",
}
WORDS = {
    "ja": {"waiting": "対応待ち", "ministry": "省庁の対応待ち"},
    "en": {"waiting": "Waiting for you", "ministry": "Waiting for the ministry"},
}


def _context(chromium, live_server, lang):
    context = chromium.new_context(base_url=live_server.url, locale="ja-JP" if lang == "ja" else "en-GB")
    context.set_default_timeout(20_000)
    return context, context.new_page()


def _queue_count(pg, key: str) -> int:
    return int(pg.locator(f'#work-queue-section tr[data-queue="{key}"] .queue-count').inner_text())


def _ics_for(email: str) -> Calendar:
    for message in mail.outbox:
        if email in message.to:
            for name, content, _mimetype in message.attachments:
                if name.endswith(".ics"):
                    return Calendar.from_ical(content)
    raise AssertionError(f"no .ics e-mailed to {email}")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_questions_threads_visits_and_work_queues(chromium, live_server, lang):
    site = "" if lang == "ja" else "/en"
    ministry_org = challenge_factories.ministry()
    muni = challenge_factories.municipality("372013", "高松市", slug="takamatsu")
    ministry = challenge_factories.staff(ministry_org, email="staff@mic.example.jp", preferred_language=lang)
    staff = challenge_factories.staff(muni, email="staff@takamatsu.example.jp", preferred_language=lang)
    for person in (
        ministry,
        staff,
    ):  # the admin reads its language from Wagtail's profile (kept equal to ours)
        UserProfile.objects.update_or_create(user=person, defaults={"preferred_language": lang})
    asker_org = tf.startup(name="株式会社質問者")
    other_org = tf.startup(name="株式会社もう一社")
    asker = factories.member(asker_org, email="founder@asker.example.jp", preferred_language=lang)
    other = factories.member(other_org, email="founder@other.example.jp", preferred_language=lang)
    challenge = challenge_factories.challenge(municipality_org=muni, title="除雪車の位置情報")
    applications = {}
    for user in (asker, other):
        app = application_services.application_start(challenge=challenge, actor=user, **PROPOSAL)
        application_services.application_submit(application=app, actor=user)
        applications[user.pk] = app
    engagement = tf.engagement(municipality_org=muni, startup_org=asker_org, actor=ministry)
    tf.budget(1_000_000, actor=ministry)

    startup_ctx, startup = _context(chromium, live_server, lang)
    staff_ctx, admin = _context(chromium, live_server, lang)
    log_in(startup, asker.email)
    log_in(admin, staff.email)

    # 1. The startup asks a question on the challenge page.
    startup.goto(f"{site}{challenge.url}")
    startup.locator("#ask-question").click()
    startup.locator("#id_text").fill("冬季の運行データは何年分ありますか")
    startup.locator("#send-question").click()
    startup.wait_for_load_state()
    question = Question.objects.get()
    assert question.organisation_id == asker_org.pk and question.state == QuestionState.OPEN

    # 2. The municipality answers it in the admin; the anonymous visitor sees it, without the asker's name.
    admin.goto(f"/admin/questions/answer/{question.pk}/")
    admin.locator("#id_answer-answer").fill("過去5年分を提供できます")
    admin.locator("#publish-answer").click()
    admin.wait_for_load_state()
    question.refresh_from_db()
    assert question.state == QuestionState.ANSWERED
    anon_ctx, anon = _context(chromium, live_server, lang)
    anon.goto(f"{site}{challenge.url}")
    questions = anon.locator("#questions").inner_text()
    assert "冬季の運行データは何年分ありますか" in questions and "過去5年分を提供できます" in questions
    body = anon.content()
    assert "株式会社質問者" not in body and asker.email not in body
    anon_ctx.close()
    # ... and the other applicant is told of the new answer.
    assert Notification.objects.filter(recipient=other).exists()
    other_ctx, other_page = _context(chromium, live_server, lang)
    log_in(other_page, other.email)
    other_page.goto(f"{site}/mypage/notifications/")
    assert "除雪車の位置情報" in other_page.content()
    other_ctx.close()

    # 3. The municipality asks for more information; the startup replies in the thread, the proposal untouched.
    application = applications[asker.pk]
    admin.goto(f"/admin/applications/review/{application.pk}/")
    admin.locator('input[name="decision-action"][value="request_info"]').check()
    admin.locator("#id_decision-reason").fill("冬季の体制を教えてください")
    admin.locator("#decide").click()
    admin.wait_for_load_state()
    assert Application.objects.get(pk=application.pk).state == ApplicationState.MORE_INFO
    startup.goto(f"{site}/applications/{application.pk}/messages/")
    assert "冬季の体制を教えてください" in startup.content()
    startup.locator("#id_body").fill("冬季は3名体制で運用します")
    startup.locator("#send-message").click()
    startup.wait_for_load_state()
    assert Application.objects.get(pk=application.pk).approach == PROPOSAL["approach"]
    admin.goto("/admin/")
    assert WORDS[lang]["waiting"] in admin.locator("#work-queue-section").inner_text()
    assert _queue_count(admin, "unread_messages") == 1

    # 4. The municipality proposes three slots for the first visit; the startup picks the second.
    days = [today_jst() + dt.timedelta(days=d) for d in (14, 15, 16)]
    admin.goto(f"/admin/tracker/meetings/new/engagement/{engagement.pk}/")
    # the meeting pages are checked by axe too (serious and critical findings fail the test at its end)
    admin_axe, startup_axe = AxeChecker(admin), AxeChecker(startup)
    admin_axe.check()
    admin.locator("#id_kind").select_option("first_visit")
    admin.locator("#id_title").fill("初回訪問")
    for i, day in enumerate(days, start=1):
        admin.locator(f"#id_slot{i}_date").fill(day.isoformat())
        admin.locator(f"#id_slot{i}_start").fill("10:00")
        admin.locator(f"#id_slot{i}_end").fill("11:30")
        admin.locator(f"#id_slot{i}_place").fill("高松市役所 3階 会議室")
    admin.locator(
        "#w-editor-form button[type=submit]"
    ).click()  # Wagtail's create form (meeting:add_for_engagement)
    admin.wait_for_selector("#meeting-state")
    admin_axe.check()
    meeting = Meeting.objects.get()
    assert meeting.slots.count() == 3
    startup.goto(f"{site}/mypage/meetings/{meeting.pk}/")
    startup_axe.check()
    second = meeting.slots.order_by("starts_at")[1]
    startup.locator(f'input[name="slot"][value="{second.pk}"]').check()
    startup.locator("#pick-form button[type=submit]").click()
    startup.wait_for_selector("#meeting-agreed")
    startup_axe.check()
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CONFIRMED and meeting.chosen_slot_id == second.pk

    # 5. Both got the invitation (.ics): the agreed time in JST, the UID, the organiser, the place.
    for email in (asker.email, staff.email):
        (event,) = _ics_for(email).walk("VEVENT")
        start = event.decoded("DTSTART")
        assert start.utcoffset() == dt.timedelta(hours=9) and event["DTSTART"].params["TZID"] == "Asia/Tokyo"
        assert (start.date(), start.hour, start.minute) == (days[1], 10, 0)
        assert event.decoded("DTEND").astimezone(JST).time() == dt.time(11, 30)
        assert str(event["UID"]) == meeting.uid
        assert str(event["ORGANIZER"]).lower() == f"mailto:{staff.email}"
        assert str(event["LOCATION"]) == "高松市役所 3階 会議室"
    with startup.expect_download() as download:
        startup.locator("#meeting-ics").click()
    (event,) = Calendar.from_ical(open(download.value.path(), "rb").read()).walk("VEVENT")
    assert str(event["UID"]) == meeting.uid

    # 6. The travel request opens pre-filled from the visit, with the fiscal year's budget left.
    startup.locator("#meeting-travel").click()
    startup.wait_for_selector("#budget-left")
    startup_axe.check()
    assert startup.locator("#id_departure_date").input_value() == (days[1] - dt.timedelta(days=1)).isoformat()
    assert startup.locator("#id_return_date").input_value() == days[1].isoformat()
    assert "初回訪問" in startup.locator("#id_purpose").input_value()
    assert int(startup.locator("#id_fares_yen").input_value()) > 0
    assert "1,000,000" in startup.locator("#budget-left").inner_text()
    startup.locator("#id_traveller_names").fill("山田太郎")
    startup.locator("button[name=send]").click()
    startup.wait_for_selector("#trip-state")
    trip = TravelRequest.objects.get()
    assert trip.departure_date == days[1] - dt.timedelta(days=1)

    # 7. The ministry's admin home lists what waits for it: the travel request to approve.
    ministry_ctx, ministry_page = _context(chromium, live_server, lang)
    log_in(ministry_page, ministry.email)
    ministry_page.goto("/admin/")
    assert WORDS[lang]["ministry"] in ministry_page.locator("#work-queue-section").inner_text()
    for axe in (admin_axe, startup_axe):
        axe.assert_clean()
    assert _queue_count(ministry_page, "travel_to_approve") == 1
    ministry_page.locator('#work-queue-section tr[data-queue="travel_to_approve"] a').click()
    ministry_page.wait_for_load_state()
    assert f"/admin/tracker/travel/{trip.pk}/" in ministry_page.content()
    for ctx in (ministry_ctx, startup_ctx, staff_ctx):
        ctx.close()
