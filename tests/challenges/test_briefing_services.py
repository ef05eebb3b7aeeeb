"""Briefing sessions through their services: announcing (who may, for what), registering (capacity, deadline,
one seat per organisation, cancelled sessions, non-startup users), cancelling, attendance, materials, audit and
notifications."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from portal.accounts.models import Organisation
from portal.challenges.briefings import services
from portal.challenges.briefings.forms import BriefingSessionForm
from portal.challenges.briefings.models import BriefingRegistration, BriefingSession, BriefingState
from portal.core.models import AuditEvent, Notification
from tests import factories
from tests.challenges import factories as cf
from tests.programme import factories as programme_factories
from tests.security.world import PDF

pytestmark = pytest.mark.django_db


def _startup(name="株式会社A"):
    org = factories.organisation(Organisation.Kind.STARTUP, name=name)
    return org, factories.member(org)


def _past(session, *, hours=2):
    """Move a session into the past (services refuse to announce one that has started)."""
    starts = timezone.now() - dt.timedelta(hours=hours)
    BriefingSession.objects.filter(pk=session.pk).update(
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        registration_closes=starts - dt.timedelta(days=1),
    )
    session.refresh_from_db()
    return session


def _actions():
    return list(
        AuditEvent.objects.filter(action__startswith="briefing.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_municipality_staff_announce_for_their_own_challenge_only():
    session = cf.briefing()
    assert (
        session.state == BriefingState.ANNOUNCED and session.uid.endswith("@xact") and session.sequence == 0
    )
    other = cf.municipality("014877", "天塩町")
    with pytest.raises(PermissionDenied):
        cf.briefing(challenge_page=session.challenge, actor=cf.staff(other))
    assert _actions() == ["briefing.announced"]


def test_round_wide_sessions_are_the_ministrys():
    round_page = programme_factories.round_page(2026, [("applications", dt.date(2026, 5, 1), None)])
    muni_staff = cf.staff(cf.municipality())
    with pytest.raises(PermissionDenied):
        cf.briefing(round_page=round_page, actor=muni_staff)
    session = cf.briefing(round_page=round_page, actor=cf.staff(cf.ministry()))
    assert session.round_id == round_page.pk and session.challenge_id is None


def test_a_session_is_validated():
    challenge = cf.challenge()
    actor = cf.staff(challenge.municipality)
    with pytest.raises(ValidationError) as exc:
        cf.briefing(challenge_page=challenge, actor=actor, online_url="")
    assert "online_url" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        cf.briefing(challenge_page=challenge, actor=actor, format="on_site", online_url="", venue="")
    assert "venue" in exc.value.error_dict
    starts = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(ValidationError) as exc:
        cf.briefing(
            challenge_page=challenge,
            actor=actor,
            starts_at=starts,
            registration_closes=starts + dt.timedelta(hours=1),
        )
    assert "registration_closes" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        cf.briefing(challenge_page=challenge, actor=actor, starts_at=timezone.now() - dt.timedelta(days=1))
    assert "starts_at" in exc.value.error_dict
    assert not BriefingSession.objects.exists()


def test_registration_confirms_and_notifies_the_startup():
    session = cf.briefing()
    org, member = _startup()
    colleague = factories.member(org)
    registration = services.briefing_register(actor=member, session=session)
    assert registration.organisation == org and registration.is_active
    assert set(
        Notification.objects.filter(kind="briefing.registered").values_list("recipient", flat=True)
    ) == {
        member.pk,
        colleague.pk,
    }
    assert "briefing.registered" in _actions()


def test_one_registration_per_organisation():
    session = cf.briefing()
    org, member = _startup()
    services.briefing_register(actor=member, session=session)
    with pytest.raises(ValidationError) as exc:
        services.briefing_register(actor=factories.member(org), session=session)
    assert exc.value.code == "duplicate"
    assert BriefingRegistration.objects.filter(session=session).count() == 1


def test_capacity_is_enforced_and_a_cancelled_seat_is_free_again():
    session = cf.briefing(capacity=2)
    registrations = [
        services.briefing_register(actor=_startup(f"株式会社{i}")[1], session=session) for i in range(2)
    ]
    _org, late = _startup("株式会社遅")
    with pytest.raises(ValidationError) as exc:
        services.briefing_register(actor=late, session=session)
    assert exc.value.code == "full"
    first_member = registrations[0].registered_by
    services.briefing_registration_cancel(actor=first_member, registration=registrations[0])
    services.briefing_register(actor=late, session=session)
    assert session.seats_left() == 0
    # The organisation that cancelled may register again (a new row) once a seat is free.
    with pytest.raises(ValidationError):
        services.briefing_register(actor=first_member, session=session)


def test_no_registration_after_the_deadline():
    session = cf.briefing()
    BriefingSession.objects.filter(pk=session.pk).update(
        registration_closes=timezone.now() - dt.timedelta(minutes=1)
    )
    session.refresh_from_db()
    with pytest.raises(PermissionDenied, match="締め切りました"):
        services.briefing_register(actor=_startup()[1], session=session)


def test_no_registration_for_a_cancelled_session():
    session = cf.briefing()
    services.briefing_session_cancel(
        actor=cf.staff(session.challenge.municipality), session=session, reason="台風のため"
    )
    with pytest.raises(PermissionDenied, match="中止"):
        services.briefing_register(actor=_startup()[1], session=session)


@pytest.mark.parametrize("who", ["municipality", "ministry", "nobody"])
def test_only_startup_members_register(who):
    session = cf.briefing()
    user = {
        "municipality": lambda: cf.staff(session.challenge.municipality),
        "ministry": lambda: cf.staff(cf.ministry()),
        "nobody": lambda: factories.user(),
    }[who]()
    with pytest.raises(PermissionDenied):
        services.briefing_register(actor=user, session=session)
    assert not BriefingRegistration.objects.exists()


def test_cancelling_a_session_tells_registered_startups_and_raises_the_sequence():
    session = cf.briefing()
    _org, member = _startup()
    services.briefing_register(actor=member, session=session)
    _other, gone = _startup("株式会社取消")
    services.briefing_registration_cancel(
        actor=gone, registration=services.briefing_register(actor=gone, session=session)
    )
    staff = cf.staff(session.challenge.municipality)
    with pytest.raises(ValidationError):
        services.briefing_session_cancel(actor=staff, session=session, reason="  ")
    cancelled = services.briefing_session_cancel(actor=staff, session=session, reason="台風のため")
    assert cancelled.state == BriefingState.CANCELLED and cancelled.sequence == 1
    told = list(Notification.objects.filter(kind="briefing.cancelled").values_list("recipient", flat=True))
    assert told == [member.pk]
    assert "台風のため" in Notification.objects.get(kind="briefing.cancelled").body
    with pytest.raises(ValidationError):
        services.briefing_session_cancel(actor=staff, session=cancelled, reason="again")


def test_a_change_of_time_raises_the_sequence_and_capacity_not_below_registrations():
    session = cf.briefing(capacity=2)
    staff = cf.staff(session.challenge.municipality)
    services.briefing_register(actor=_startup("株式会社1")[1], session=session)
    services.briefing_register(actor=_startup("株式会社2")[1], session=session)
    updated = services.briefing_session_update(actor=staff, session=session, changes={"description": "議題"})
    assert updated.sequence == 0
    moved = services.briefing_session_update(
        actor=staff,
        session=session,
        changes={
            "starts_at": session.starts_at + dt.timedelta(minutes=30),
            "ends_at": session.ends_at + dt.timedelta(minutes=30),
        },
    )
    assert moved.sequence == 1
    with pytest.raises(ValidationError) as exc:
        services.briefing_session_update(actor=staff, session=session, changes={"capacity": 1})
    assert "capacity" in exc.value.error_dict
    with pytest.raises(PermissionDenied):
        services.briefing_session_update(
            actor=cf.staff(cf.municipality("014877", "天塩町")), session=session, changes={"capacity": 5}
        )


def test_attendance_is_recorded_in_one_go_after_the_start():
    session = cf.briefing()
    staff = cf.staff(session.challenge.municipality)
    came = services.briefing_register(actor=_startup("株式会社来")[1], session=session)
    absent = services.briefing_register(actor=_startup("株式会社欠")[1], session=session)
    with pytest.raises(ValidationError) as exc:
        services.briefing_attendance_record(actor=staff, session=session, attended_ids=[came.pk])
    assert exc.value.code == "too_early"
    _past(session)
    assert services.briefing_attendance_record(actor=staff, session=session, attended_ids=[came.pk]) == 2
    came.refresh_from_db()
    absent.refresh_from_db()
    assert came.attended is True and absent.attended is False
    with pytest.raises(ValidationError):
        services.briefing_attendance_record(actor=staff, session=session, attended_ids=[999999])
    assert _actions().count("briefing.attendance_recorded") == 1


def test_slides_are_checked_by_content_and_size():
    session = _past(cf.briefing())
    staff = cf.staff(session.challenge.municipality)
    with pytest.raises(ValidationError) as exc:
        services.briefing_session_update(
            actor=staff,
            session=session,
            changes={},
            slides=SimpleUploadedFile("slides.pdf", b"MZ\x90\x00 not a pdf"),
        )
    assert "slides" in exc.value.error_dict
    with pytest.raises(ValidationError):
        services.briefing_session_update(
            actor=staff, session=session, changes={}, slides=SimpleUploadedFile("s.pdf", b"")
        )
    attached = services.briefing_session_update(
        actor=staff,
        session=session,
        changes={"recording_url": "https://video.example.jp/rec"},
        slides=SimpleUploadedFile("説明資料.pdf", PDF, "application/pdf"),
    )
    assert (
        attached.slides and attached.slides_name == "説明資料.pdf" and attached.slides.name.endswith(".pdf")
    )
    assert "説明資料" not in attached.slides.name  # the stored name never comes from the user
    assert attached.sequence == 0  # materials do not move the event
    assert _actions()[-1] == "briefing.materials_attached"


@pytest.mark.parametrize(
    ("language", "wrong_type", "too_large"),
    [
        (
            "ja",
            "説明資料は PDF か PowerPoint のファイルにしてください（ファイル名ではなく中身で判断します）。",
            "説明資料は21.0 MB です。20 MB までにしてください。",
        ),
        (
            "en",
            "The slides must be a PDF or PowerPoint file, whatever the file's name says.",
            "The slides are 21.0 MB; they may be at most 20 MB.",
        ),
    ],
)
def test_the_staff_form_refuses_slides_by_the_services_rule_in_its_words(language, wrong_type, too_large):
    """One rule for the slides (services.briefing_slides_check): the edit form shows what the service says."""
    session = _past(cf.briefing())
    staff = cf.staff(session.challenge.municipality)
    files = {
        wrong_type: lambda: SimpleUploadedFile("slides.pdf", b"MZ\x90\x00 not a pdf"),
        too_large: lambda: SimpleUploadedFile("slides.pdf", PDF + b"\0" * (21 * 1024 * 1024 - len(PDF))),
    }
    with translation.override(language):
        for words, upload in files.items():
            with pytest.raises(ValidationError) as refused:
                services.briefing_session_update(actor=staff, session=session, changes={}, slides=upload())
            assert refused.value.message_dict["slides"] == [words]
            form = BriefingSessionForm({}, {"slides_upload": upload()}, instance=session, for_user=staff)
            assert not form.is_valid()
            assert form.errors["slides_upload"] == [words]
