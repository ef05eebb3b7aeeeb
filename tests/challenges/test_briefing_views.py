"""Briefing sessions through the screens: the lists on the challenge and round pages, one session's page (the online
link and the materials only for the registered), register / cancel, the .ics, My page, and the staff screens
(announce, attendance, cancel, attach slides) — in Japanese and in English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from portal.accounts.models import Organisation
from portal.challenges.briefings import services
from portal.challenges.briefings.models import BriefingRegistration, BriefingSession
from portal.core.models import AuditEvent
from tests import factories
from tests.challenges import factories as cf
from tests.programme import factories as programme_factories
from tests.security.world import PDF

pytestmark = pytest.mark.django_db


def _startup(client=None, name="株式会社A"):
    org = factories.organisation(Organisation.Kind.STARTUP, name=name)
    user = factories.member(org)
    if client is not None:
        client.force_login(user)
    return org, user


def _past(session):
    starts = timezone.now() - dt.timedelta(hours=3)
    BriefingSession.objects.filter(pk=session.pk).update(
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        registration_closes=starts - dt.timedelta(days=1),
    )
    session.refresh_from_db()
    return session


def test_the_challenge_page_lists_sessions_with_seats_left_in_japanese(client):
    session = cf.briefing(capacity=3, title="オンライン説明会")
    page = client.get(session.challenge.url)
    html = page.content.decode()
    assert "説明会" in html and "オンライン説明会" in html
    assert "残り3席" in html
    assert reverse("briefings:detail", args=[session.pk]) in html
    assert "zq-secret-room" not in html  # the link is for registered startups only


def test_the_round_page_lists_its_own_and_its_challenges_sessions(client):
    round_page = programme_factories.round_page(2026, [("applications", dt.date(2026, 5, 1), None)])
    cf.briefing(round_page=round_page, actor=cf.staff(cf.ministry()), title="全体説明会")
    challenge = cf.challenge(round=round_page)
    cf.briefing(challenge_page=challenge, title="課題の説明会")
    cf.briefing(title="別の年度の説明会")
    html = client.get(round_page.url).content.decode()
    assert "全体説明会" in html and "課題の説明会" in html and "別の年度の説明会" not in html


def test_the_english_page_reads_in_english(client):
    session = cf.briefing(capacity=2, title="説明会", title_en="Online briefing")
    html = client.get("/en" + reverse("briefings:detail", args=[session.pk])).content.decode()
    assert "Online briefing" in html and "2 seats left" in html and "Log in to register" in html


def test_register_then_ics_then_cancel(client):
    session = cf.briefing()
    org, user = _startup(client)
    detail = reverse("briefings:detail", args=[session.pk])
    html = client.get(detail).content.decode()
    assert "この説明会に参加登録する" in html and "zq-secret-room" not in html
    response = client.post(reverse("briefings:register", args=[session.pk]))
    assert response.status_code == 302
    html = client.get(detail).content.decode()
    assert "参加登録済みです" in html and "zq-secret-room" in html
    ics = client.get(reverse("briefings:ics", args=[session.pk]))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    event = next(c for c in Calendar.from_ical(ics.content).walk("VEVENT"))
    assert str(event["uid"]) == session.uid and int(event["sequence"]) == 0
    assert event["dtstart"].params["TZID"] == "Asia/Tokyo"
    assert "zq-secret-room" in str(event["location"])
    client.post(reverse("briefings:cancel_registration", args=[session.pk]))
    assert not BriefingRegistration.objects.filter(organisation=org, cancelled_at__isnull=True).exists()
    assert client.get(reverse("briefings:ics", args=[session.pk])).status_code == 404


def test_a_cancelled_sessions_ics_is_a_cancellation_with_a_higher_sequence(client):
    session = cf.briefing()
    _org, user = _startup(client)
    services.briefing_register(actor=user, session=session)
    services.briefing_session_cancel(
        actor=cf.staff(session.challenge.municipality), session=session, reason="延期"
    )
    calendar = Calendar.from_ical(client.get(reverse("briefings:ics", args=[session.pk])).content)
    assert str(calendar["method"]) == "CANCEL"
    event = next(iter(calendar.walk("VEVENT")))
    assert (
        int(event["sequence"]) == 1
        and str(event["status"]) == "CANCELLED"
        and str(event["uid"]) == session.uid
    )
    html = client.get(reverse("briefings:detail", args=[session.pk])).content.decode()
    assert "この説明会は中止になりました" in html and "延期" in html


def test_full_session_and_municipal_staff_see_no_register_button(client):
    session = cf.briefing(capacity=1)
    services.briefing_register(actor=_startup(name="株式会社先")[1], session=session)
    _startup(client, name="株式会社後")
    html = client.get(reverse("briefings:detail", args=[session.pk])).content.decode()
    assert "briefing-register" not in html and "満席" in html
    assert client.post(reverse("briefings:register", args=[session.pk])).status_code == 302
    assert BriefingRegistration.objects.count() == 1
    client.force_login(cf.staff(session.challenge.municipality))
    assert client.post(reverse("briefings:register", args=[session.pk])).status_code == 403


def test_materials_only_for_registered_startups(client):
    session = cf.briefing()
    _org, registered = _startup(name="株式会社登録")
    services.briefing_register(actor=registered, session=session)
    session = _past(session)
    services.briefing_session_update(
        actor=cf.staff(session.challenge.municipality),
        session=session,
        changes={"recording_url": "https://video.example.jp/zq-recording"},
        slides=SimpleUploadedFile("slides.pdf", PDF, "application/pdf"),
    )
    slides = reverse("briefings:slides", args=[session.pk])
    detail = reverse("briefings:detail", args=[session.pk])
    _startup(client, name="株式会社未登録")
    assert client.get(slides).status_code == 404
    assert client.get(reverse("briefings:ics", args=[session.pk])).status_code == 404
    html = client.get(detail).content.decode()
    assert "zq-recording" not in html and "登録したスタートアップに共有" in html
    client.logout()
    assert client.get(slides).status_code == 302  # to the login page
    client.force_login(registered)
    html = client.get(detail).content.decode()
    assert "zq-recording" in html and slides in html
    response = client.get(slides)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_my_page_lists_my_briefing_sessions(client):
    session = cf.briefing(title="高松市の説明会")
    _org, user = _startup(client)
    services.briefing_register(actor=user, session=session)
    html = client.get(reverse("mypage")).content.decode()
    assert "参加する説明会" in html and "高松市の説明会" in html
    html = client.get(reverse("briefings:mine")).content.decode()
    assert "高松市の説明会" in html


def test_a_draft_challenges_session_is_not_on_the_site(client):
    challenge = cf.challenge(publish=False)
    session = cf.briefing(challenge_page=challenge)
    assert client.get(reverse("briefings:detail", args=[session.pk])).status_code == 404
    client.force_login(cf.staff(challenge.municipality))
    assert client.get(reverse("briefings:detail", args=[session.pk])).status_code == 200


# --------------------------------------------------------------------------------------------------- staff side


def _form(challenge, **extra):
    starts = timezone.localtime(timezone.now() + dt.timedelta(days=10)).replace(second=0, microsecond=0)
    return {
        "challenge": str(challenge.pk),
        "title": "現地説明会",
        "title_en": "On-site briefing",
        "description": "",
        "description_en": "",
        "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
        "ends_at": (starts + dt.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
        "format": "on_site",
        "online_url": "",
        "venue": "香川県高松市番町一丁目8番15号",
        "venue_en": "",
        "capacity": "20",
        "registration_closes": (starts - dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M"),
        "recording_url": "",
        **extra,
    }


def test_staff_announce_through_the_viewset(client):
    challenge = cf.challenge()
    client.force_login(cf.staff(challenge.municipality))
    response = client.post(reverse("briefing:add"), _form(challenge))
    assert response.status_code == 302, response.content.decode()[:2000]
    session = BriefingSession.objects.get()
    assert session.venue.startswith("香川県") and session.created_by is not None
    assert AuditEvent.objects.filter(action="briefing.announced", object_id=str(session.pk)).exists()
    listing = client.get(reverse("briefing:index")).content.decode()
    assert "現地説明会" in listing and "0 / 20" in listing


def test_municipality_staff_cannot_choose_another_municipalitys_challenge(client):
    challenge = cf.challenge()
    other = cf.challenge(municipality_org=cf.municipality("014877", "天塩町"))
    client.force_login(cf.staff(challenge.municipality))
    response = client.post(reverse("briefing:add"), _form(other))
    assert response.status_code == 200 and not BriefingSession.objects.exists()
    form = client.get(reverse("briefing:add")).content.decode()
    assert 'name="round"' not in form


def test_staff_record_attendance_with_checkboxes(client):
    session = cf.briefing()
    came = services.briefing_register(actor=_startup(name="株式会社来")[1], session=session)
    absent = services.briefing_register(actor=_startup(name="株式会社欠")[1], session=session)
    _past(session)
    client.force_login(cf.staff(session.challenge.municipality))
    url = reverse("briefings_admin_session", args=[session.pk])
    html = client.get(url).content.decode()
    assert "株式会社来" in html and "attendance-form" in html
    response = client.post(url, {"action": "attendance", "attendance-attended": [str(came.pk)]})
    assert response.status_code == 302
    came.refresh_from_db()
    absent.refresh_from_db()
    assert (came.attended, absent.attended) == (True, False)


def test_staff_cancel_from_the_session_screen(client):
    session = cf.briefing()
    client.force_login(cf.staff(session.challenge.municipality))
    url = reverse("briefings_admin_session", args=[session.pk])
    assert client.post(url, {"action": "cancel", "cancel-reason": ""}).status_code == 400
    assert client.post(url, {"action": "cancel", "cancel-reason": "会場の都合"}).status_code == 302
    session.refresh_from_db()
    assert session.is_cancelled


def test_staff_attach_slides_through_the_edit_form(client):
    session = _past(cf.briefing())
    client.force_login(cf.staff(session.challenge.municipality))
    data = _form(session.challenge, recording_url="https://video.example.jp/rec")
    data.pop("challenge")
    local = timezone.localtime
    data.update(
        starts_at=local(session.starts_at).strftime("%Y-%m-%d %H:%M"),
        ends_at=local(session.ends_at).strftime("%Y-%m-%d %H:%M"),
        registration_closes=local(session.registration_closes).strftime("%Y-%m-%d %H:%M"),
        format="online",
        online_url=session.online_url,
        venue="",
        title=session.title,
    )
    bad = client.post(
        reverse("briefing:edit", args=[session.pk]),
        {**data, "slides_upload": SimpleUploadedFile("x.pdf", b"not a pdf")},
    )
    assert bad.status_code == 200 and "PDF" in bad.content.decode()
    data["slides_upload"] = SimpleUploadedFile("資料.pdf", PDF, "application/pdf")
    response = client.post(reverse("briefing:edit", args=[session.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    session.refresh_from_db()
    assert session.slides and session.recording_url.endswith("/rec")


def test_another_municipalitys_staff_get_404(client):
    session = cf.briefing()
    client.force_login(cf.staff(cf.municipality("014877", "天塩町")))
    assert client.get(reverse("briefings_admin_session", args=[session.pk])).status_code == 404
    assert client.get(reverse("briefing:edit", args=[session.pk])).status_code == 404
