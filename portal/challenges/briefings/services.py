"""Writes on briefing sessions. Keyword-only, validated (`full_clean`), one transaction each, an audit event each;
registered startups are told (portal/core/notifications.py) of their registration and of a cancelled session.

The capacity is enforced under a row lock on the session (`select_for_update`): two startups racing for the last
seat are served one after the other, and the second finds the session full.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.selectors import active_members
from portal.core.audit import record
from portal.core.decisions import require
from portal.core.notifications import notify

from . import permissions as rules
from .models import BriefingRegistration, BriefingSession, BriefingState
from .uploads import CheckedSlides, check_slides

# Changing one of these moves the event in people's calendars: SEQUENCE goes up.
CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "format", "online_url", "venue")
# What staff may change on an existing session (the form's fields, less the slides handled below).
EDITABLE_FIELDS = (
    "title",
    "title_en",
    "description",
    "description_en",
    "starts_at",
    "ends_at",
    "format",
    "online_url",
    "venue",
    "venue_en",
    "capacity",
    "registration_closes",
    "recording_url",
)


def _lock(session: BriefingSession) -> BriefingSession:
    # No join here: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join (challenge or round).
    return BriefingSession.objects.select_for_update().get(pk=session.pk)


def site_url(session: BriefingSession) -> str:
    return reverse("briefings:detail", args=[session.pk])


def _active_count(session: BriefingSession) -> int:
    return session.registrations.filter(cancelled_at__isnull=True).count()


def briefing_slides_check(slides) -> CheckedSlides:
    """The one rule for a session's slides: at most MAX_SLIDES_BYTES, PDF or PowerPoint by content
    (uploads.check_slides). Raises ValidationError on the field "slides". The staff form asks it when the file is
    uploaded (BriefingSessionForm.clean_slides_upload); announce and update ask it again before storing."""
    return check_slides(slides)


def _store_slides(session: BriefingSession, slides) -> None:
    checked = briefing_slides_check(slides)
    session.slides_name = (getattr(slides, "name", "") or f"slides.{checked.extension}")[:255]
    slides.name = f"slides.{checked.extension}"
    session.slides = slides


def briefing_session_announce(*, actor, session: BriefingSession, slides=None) -> BriefingSession:
    """Announce a new session (an unsaved BriefingSession with its fields filled in), for a challenge or a round."""
    require(rules.can_announce_briefing(actor, challenge=session.challenge, round=session.round))
    with transaction.atomic():
        session.state = BriefingState.ANNOUNCED
        session.created_by = actor if getattr(actor, "is_authenticated", False) else None
        session.full_clean(exclude=["slides", "uid"])
        if session.starts_at <= timezone.now():
            raise ValidationError({"starts_at": _("A briefing is announced before it starts.")}, code="past")
        session.save()
        if slides:
            _store_slides(session, slides)
            session.save(update_fields=["slides", "slides_name", "updated_at"])
        record(
            actor=actor,
            action="briefing.announced",
            obj=session,
            starts_at=session.starts_at.isoformat(),
            capacity=session.capacity,
        )
    return session


def briefing_session_update(
    *, actor, session: BriefingSession, changes: dict, slides=None
) -> BriefingSession:
    """Change a session's details or attach its materials (slides, recording link). A change of time, place or
    title raises the calendar SEQUENCE. The capacity may not drop below the seats already taken."""
    require(rules.can_manage_briefing(actor, session))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        locked = _lock(session)
        if locked.is_cancelled:
            raise ValidationError(
                _("This briefing has been cancelled; it can no longer be changed."), code="cancelled"
            )
        changed = [name for name, value in changes.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, changes[name])
        if "capacity" in changed and locked.capacity < _active_count(locked):
            raise ValidationError(
                {
                    "capacity": _("%(n)s startups are already registered; the capacity cannot be lower.")
                    % {"n": _active_count(locked)}
                },
                code="below_registrations",
            )
        locked.full_clean(exclude=["slides", "uid"])
        if slides:
            _store_slides(locked, slides)
            changed.append("slides")
        if any(name in CALENDAR_FIELDS for name in changed):
            locked.sequence += 1
        if changed:
            locked.save()
            record(
                actor=actor,
                action="briefing.materials_attached"
                if set(changed) <= {"slides", "recording_url"}
                else "briefing.changed",
                obj=locked,
                fields=sorted(changed),
                sequence=locked.sequence,
            )
    return locked


def briefing_session_cancel(*, actor, session: BriefingSession, reason: str) -> BriefingSession:
    """Cancel an announced session; every registered startup is told, and its .ics becomes a cancellation."""
    require(rules.can_manage_briefing(actor, session))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give a reason: it is sent with the cancellation.")}, code="reason_required"
        )
    with transaction.atomic():
        locked = _lock(session)
        if locked.is_cancelled:
            raise ValidationError(_("This briefing has already been cancelled."), code="cancelled")
        locked.state = BriefingState.CANCELLED
        locked.cancel_reason = reason
        locked.sequence += 1
        locked.save()
        record(actor=actor, action="briefing.cancelled", obj=locked, reason=reason, sequence=locked.sequence)
        organisations = [
            r.organisation
            for r in locked.registrations.filter(cancelled_at__isnull=True).select_related("organisation")
        ]
        notify(
            active_members(*organisations),
            kind="briefing.cancelled",
            params={"session": _title(locked), "starts_at": locked.starts_at, "text": reason},
            url=site_url(locked),
        )
    return locked


def _title(session: BriefingSession):
    return lambda: session.localized_title


def briefing_register(*, actor, session: BriefingSession) -> BriefingRegistration:
    """Register the actor's startup for the session: one seat per organisation, within the capacity, before the
    registration deadline, never for a cancelled session."""
    require(rules.can_register_briefing(actor, session))
    organisation = rules.startup_of(actor)
    with transaction.atomic():
        locked = _lock(session)  # serialises the last seats
        require(rules.can_register_briefing(actor, locked))
        if locked.registrations.filter(organisation=organisation, cancelled_at__isnull=True).exists():
            raise ValidationError(
                _("Your organisation is already registered for this briefing."), code="duplicate"
            )
        if _active_count(locked) >= locked.capacity:
            raise ValidationError(_("This briefing is full."), code="full")
        try:
            with transaction.atomic():
                registration = BriefingRegistration.objects.create(
                    session=locked, organisation=organisation, registered_by=actor
                )
        except IntegrityError as exc:  # a second tab of the same organisation, past the lock's check
            raise ValidationError(
                _("Your organisation is already registered for this briefing."), code="duplicate"
            ) from exc
        record(actor=actor, action="briefing.registered", obj=registration, session=locked.pk)
        notify(
            active_members(organisation),
            kind="briefing.registered",
            params={"session": _title(locked), "starts_at": locked.starts_at},
            url=site_url(locked),
        )
    return registration


def briefing_registration_cancel(*, actor, registration: BriefingRegistration) -> BriefingRegistration:
    """The startup cancels its seat before the session starts; the seat is free again."""
    require(rules.can_cancel_registration(actor, registration))
    with transaction.atomic():
        _lock(registration.session)
        locked = BriefingRegistration.objects.select_for_update().get(pk=registration.pk)
        if locked.cancelled_at is not None:
            raise ValidationError(_("This registration has already been cancelled."), code="cancelled")
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["cancelled_at"])
        record(actor=actor, action="briefing.registration_cancelled", obj=locked, session=locked.session_id)
    return locked


def briefing_attendance_record(*, actor, session: BriefingSession, attended_ids) -> int:
    """Record who came, in one go: the active registrations whose ids are in `attended_ids` attended, the others
    did not. Only once the session has started. Returns how many registrations changed."""
    require(rules.can_manage_briefing(actor, session))
    wanted = {int(pk) for pk in attended_ids}
    with transaction.atomic():
        locked = _lock(session)
        if locked.is_cancelled:
            raise ValidationError(_("This briefing has been cancelled."), code="cancelled")
        if locked.starts_at > timezone.now():
            raise ValidationError(
                _("Attendance can be recorded once the briefing has started."), code="too_early"
            )
        registrations = list(locked.registrations.filter(cancelled_at__isnull=True).select_for_update())
        unknown = wanted - {r.pk for r in registrations}
        if unknown:
            raise ValidationError(
                _("Some of the ticked registrations are not this briefing's."), code="unknown"
            )
        changed = []
        for registration in registrations:
            attended = registration.pk in wanted
            if registration.attended != attended:
                registration.attended = attended
                changed.append(registration)
        BriefingRegistration.objects.bulk_update(changed, ["attended"])
        record(
            actor=actor,
            action="briefing.attendance_recorded",
            obj=locked,
            attended=sorted(wanted),
            changed=len(changed),
        )
    return len(changed)
