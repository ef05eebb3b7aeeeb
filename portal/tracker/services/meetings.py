"""Visits and meetings: the municipality proposes slots, the startup picks one or asks for others; the agreed
meeting is sent to both parties as an iCalendar invitation, and a change or cancellation as an update of the same
event (same UID, higher SEQUENCE).

Every service locks the meeting row, so two people answering at once cannot both pick a slot, and a change and a
cancellation cannot interleave.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.accounts.selectors import active_members
from portal.applications.models import Application, ApplicationState
from portal.core import notices
from portal.core.audit import record
from portal.core.decisions import require
from portal.core.fiscal import JST
from portal.core.notifications import InAppAdapter, Message, notify
from portal.geo.travel import default_nights

from .. import ics, permissions
from ..meeting_workflow import MEETING
from ..models import Engagement, Meeting, MeetingKind, MeetingSlot, MeetingState, Transport
from ..workflow import Stage
from .travel import default_origin, travel_estimate

logger = logging.getLogger(__name__)

MAX_SLOTS = 10
# How far ahead a slot may be offered (a typo such as 2062 instead of 2026 is refused).
MAX_DAYS_AHEAD = 400
MAX_HOURS = 12


@dataclass(frozen=True)
class SlotInput:
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str = ""
    online_url: str = ""


def jst_slot(
    day: dt.date, start: dt.time, end: dt.time, *, place: str = "", online_url: str = ""
) -> SlotInput:
    """A slot typed as a date and times in Japan time, whatever the server's zone."""
    return SlotInput(
        starts_at=dt.datetime.combine(day, start, tzinfo=JST),
        ends_at=dt.datetime.combine(day, end, tzinfo=JST),
        place=(place or "").strip(),
        online_url=(online_url or "").strip(),
    )


def _check_slots(slots: list[SlotInput]) -> list[SlotInput]:
    if not slots:
        raise ValidationError({"slots": _("Offer at least one time slot.")}, code="no_slots")
    if len(slots) > MAX_SLOTS:
        raise ValidationError(
            {"slots": _("Offer at most %(n)d time slots.") % {"n": MAX_SLOTS}}, code="too_many"
        )
    now = timezone.now()
    errors: list[str] = []
    for slot in slots:
        if slot.starts_at.tzinfo is None or slot.ends_at.tzinfo is None:
            raise ValueError("slot times must be aware datetimes")
        if slot.starts_at <= now:
            errors.append(
                str(_("A slot must be in the future (%(when)s has passed)."))
                % {"when": f"{slot.starts_at.astimezone(JST):%Y-%m-%d %H:%M}"}
            )
        elif slot.starts_at > now + dt.timedelta(days=MAX_DAYS_AHEAD):
            errors.append(str(_("A slot can be at most %(n)d days ahead.")) % {"n": MAX_DAYS_AHEAD})
        if slot.ends_at <= slot.starts_at:
            errors.append(str(_("A slot must end after it starts.")))
        elif slot.ends_at - slot.starts_at > dt.timedelta(hours=MAX_HOURS):
            errors.append(str(_("A slot can last at most %(n)d hours.")) % {"n": MAX_HOURS})
        if not slot.place and not slot.online_url:
            errors.append(str(_("Give a place for a visit or a link for an online meeting.")))
    if len({s.starts_at for s in slots}) != len(slots):
        errors.append(str(_("Two slots start at the same time.")))
    if errors:
        raise ValidationError({"slots": list(dict.fromkeys(errors))}, code="bad_slot")
    return slots


def _save_slots(meeting: Meeting, slots: list[SlotInput]) -> list[MeetingSlot]:
    saved = []
    for s in slots:
        slot = MeetingSlot(
            meeting=meeting,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            place=s.place[:300],
            online_url=s.online_url,
        )
        slot.full_clean(exclude=["meeting"])
        slot.save()
        saved.append(slot)
    return saved


def site_url(meeting: Meeting) -> str:
    return reverse("tracker:meeting", args=[meeting.pk])


def admin_url(meeting: Meeting) -> str:
    return reverse("meeting:inspect", args=[meeting.pk])


def _lock(meeting: Meeting) -> Meeting:
    # Lock the meeting row only (PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins).
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("municipality", "startup", "chosen_slot", "proposed_by")
        .get(pk=meeting.pk)
    )


def _params(meeting: Meeting, **extra) -> dict:
    return {"m": meeting.municipality, "s": meeting.startup, "title": meeting.title, **extra}


def _tell(recipients, *, kind: str, params: dict, url: str) -> None:
    notify(recipients, kind=kind, params=params, url=url)


def _tell_in_app(recipients, *, kind: str, params: dict, url: str) -> None:
    """An in-app notice only: the e-mail for this event is the invitation with its .ics (`_send_invitation`)."""
    people = [r for r in recipients if r is not None]
    if people:
        InAppAdapter().send(people, Message(kind=kind, params=notices.freeze_all(params), url=url))


def format_slot(slot: MeetingSlot) -> str:
    start, end = slot.starts_at.astimezone(JST), slot.ends_at.astimezone(JST)
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M} JST"


def _send_invitation(meeting: Meeting) -> None:
    """After commit: one e-mail per participant, in their language, with the .ics attached (REQUEST or CANCEL)."""
    startup_people, municipality_people = (
        active_members(meeting.startup),
        active_members(meeting.municipality),
    )
    people = {p.pk: p for p in startup_people + municipality_people if p.email and p.is_active}
    links = {p.pk: site_url(meeting) for p in startup_people} | {
        p.pk: admin_url(meeting) for p in municipality_people
    }
    meeting = Meeting.objects.select_related("municipality", "startup", "chosen_slot", "proposed_by").get(
        pk=meeting.pk
    )
    slot = meeting.chosen_slot
    if slot is None:
        raise ValueError("invitations are sent for agreed meetings only")
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    mails = []
    for person in people.values():
        with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
            data = ics.meeting_calendar(meeting, attendees=people.values())
            method = ics.CANCEL if meeting.state == MeetingState.CANCELLED else ics.REQUEST
            if method == ics.CANCEL:
                subject = _("Cancelled: %(title)s") % {"title": meeting.title}
            elif meeting.sequence:
                subject = _("Changed: %(title)s, %(when)s") % {
                    "title": meeting.title,
                    "when": format_slot(slot),
                }
            else:
                subject = _("Invitation: %(title)s, %(when)s") % {
                    "title": meeting.title,
                    "when": format_slot(slot),
                }
            lines = [
                f"{meeting.get_kind_display()}: {meeting.title}",
                f"{meeting.municipality} × {meeting.startup}",
                str(_("When: %(when)s") % {"when": format_slot(slot)}),
                str(_("Where: %(where)s") % {"where": slot.location}),
            ]
            if method == ics.CANCEL and meeting.cancel_reason:
                lines.append(str(_("Reason: %(reason)s") % {"reason": meeting.cancel_reason}))
            lines.append(str(_("The attached file adds it to your calendar.")))
            lines.append(f"{base}{links[person.pk]}")
            message = EmailMessage(str(subject), "\n".join(lines), None, [person.email])
            message.attach(ics.filename(meeting), data, f"text/calendar; charset=utf-8; method={method}")
            mails.append(message)
    for message in mails:
        try:
            message.send()
        except Exception:  # a mail outage must not undo the committed change
            logger.exception("meeting invitation to %s failed", message.to)


def _invite_after_commit(meeting: Meeting) -> None:
    transaction.on_commit(lambda: _send_invitation(meeting))


# --- proposing --------------------------------------------------------------------------------------------------


def meeting_propose(
    *,
    actor,
    kind: str,
    title: str,
    slots: list[SlotInput],
    note: str = "",
    engagement: Engagement | None = None,
    application: Application | None = None,
) -> Meeting:
    """The municipality (or the ministry) offers time slots for a first visit, an interview or a meeting.

    For an engagement that is still going, or for an application the municipality has received and not decided.
    The startup's members are told and asked to pick one.
    """
    if (engagement is None) == (application is None):
        raise ValueError("a meeting is for an engagement or for an application")
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": _("Choose what kind of meeting this is.")})
    if engagement is not None:
        municipality_id, startup = engagement.municipality_id, engagement.startup
        if engagement.stage == Stage.ENDED:
            raise ValidationError(_("This engagement has ended."), code="ended")
    elif application is not None:
        municipality_id, startup = application.challenge.municipality_id, application.startup
        if application.state not in (
            ApplicationState.SUBMITTED,
            ApplicationState.MORE_INFO,
            ApplicationState.SHORTLISTED,
        ):
            raise ValidationError(
                _("Meetings are arranged for applications under review."), code="wrong_state"
            )
    else:
        raise ValueError("a meeting is for an engagement or for an application")
    require(permissions.can_schedule_meeting(actor, municipality_id))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the meeting a title.")})
    slots = _check_slots(list(slots))
    with transaction.atomic():
        meeting = Meeting(
            kind=kind,
            engagement=engagement,
            application=application,
            municipality_id=municipality_id,
            startup=startup,
            title=title[:200],
            note=(note or "").strip(),
            proposed_by=actor,
            uid=f"{uuid.uuid4()}@xact",
        )
        meeting.full_clean()
        meeting.save()
        _save_slots(meeting, slots)
        record(actor=actor, action="tracker.meeting_proposed", obj=meeting, kind=kind, slots=len(slots))
        _tell(
            active_members(startup),
            kind="tracker.meeting_proposed",
            url=site_url(meeting),
            params=_params(meeting),
        )
    return meeting


def meeting_offer_slots(*, meeting: Meeting, actor, slots: list[SlotInput], note: str = "") -> Meeting:
    """New slots for a meeting not yet agreed (after the startup asked for others); the earlier ones are withdrawn."""
    require(permissions.can_schedule_meeting(actor, meeting.municipality_id))
    slots = _check_slots(list(slots))
    with transaction.atomic():
        meeting = _lock(meeting)
        MEETING.move(meeting, "offer_slots")
        meeting.slots.filter(withdrawn=False).update(withdrawn=True)
        _save_slots(meeting, slots)
        if note.strip():
            meeting.note = note.strip()
        meeting.save()
        record(actor=actor, action="tracker.meeting_slots_offered", obj=meeting, slots=len(slots))
        _tell(
            active_members(meeting.startup),
            kind="tracker.meeting_proposed",
            url=site_url(meeting),
            params=_params(meeting, variant="again"),
        )
    return meeting


# --- the startup answers ----------------------------------------------------------------------------------------


def meeting_pick(*, meeting: Meeting, slot_id: int, actor) -> Meeting:
    """The startup picks one of the offered slots: the meeting is agreed and both parties get the invitation."""
    require(permissions.can_answer_meeting(actor, meeting))
    with transaction.atomic():
        meeting = _lock(meeting)
        MEETING.move(meeting, "pick")
        slot = meeting.slots.filter(pk=slot_id, withdrawn=False).first()
        if slot is None:
            raise ValidationError({"slot": _("Choose one of the times offered.")}, code="bad_slot")
        if slot.starts_at <= timezone.now():
            raise ValidationError(
                {"slot": _("This time has passed; choose another or ask for other times.")}, code="past"
            )
        meeting.chosen_slot = slot
        meeting.full_clean()
        meeting.save()
        record(
            actor=actor,
            action="tracker.meeting_confirmed",
            obj=meeting,
            slot=slot.pk,
            starts_at=slot.starts_at.isoformat(),
        )
        _tell_in_app(
            active_members(meeting.municipality),
            kind="tracker.meeting_confirmed",
            url=admin_url(meeting),
            params=_params(meeting, when=format_slot(slot), variant="municipality"),
        )
        _tell_in_app(
            active_members(meeting.startup),
            kind="tracker.meeting_confirmed",
            url=site_url(meeting),
            params=_params(meeting, when=format_slot(slot)),
        )
        _invite_after_commit(meeting)
    return meeting


def meeting_ask_other_slots(*, meeting: Meeting, actor, message: str) -> Meeting:
    """None of the slots suits the startup: it says so (and why, or when would suit) and the municipality is asked."""
    require(permissions.can_answer_meeting(actor, meeting))
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Say which days or times would suit you.")}, code="required")
    if len(message) > 2000:
        raise ValidationError({"message": _("Keep it under 2,000 characters.")}, code="too_long")
    with transaction.atomic():
        meeting = _lock(meeting)
        MEETING.move(meeting, "ask_other_slots")
        meeting.startup_note = message
        meeting.save()
        record(actor=actor, action="tracker.meeting_other_slots_asked", obj=meeting, message=message)
        _tell(
            active_members(meeting.municipality),
            kind="tracker.meeting_other_slots_asked",
            url=admin_url(meeting),
            params=_params(meeting, text=message),
        )
    return meeting


# --- after it is agreed -----------------------------------------------------------------------------------------


def meeting_change(*, meeting: Meeting, actor, slot: SlotInput, reason: str) -> Meeting:
    """Move an agreed meeting (time, place or link): the same calendar event, sent again with a higher SEQUENCE."""
    require(permissions.can_schedule_meeting(actor, meeting.municipality_id))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give a reason: it is sent with the change.")}, code="reason_required"
        )
    (slot,) = _check_slots([slot])
    with transaction.atomic():
        meeting = _lock(meeting)
        MEETING.move(meeting, "change")
        if meeting.chosen_slot is None:  # an agreed meeting has its slot (the table's check constraint)
            raise ValueError("an agreed meeting without its slot")
        before = format_slot(meeting.chosen_slot)
        meeting.slots.filter(withdrawn=False).update(withdrawn=True)
        (new_slot,) = _save_slots(meeting, [slot])
        meeting.chosen_slot = new_slot
        meeting.sequence += 1
        meeting.save()
        record(
            actor=actor,
            action="tracker.meeting_changed",
            obj=meeting,
            before=before,
            after=format_slot(new_slot),
            sequence=meeting.sequence,
            reason=reason,
        )
        for people, url in (
            (active_members(meeting.startup), site_url(meeting)),
            (active_members(meeting.municipality), admin_url(meeting)),
        ):
            _tell_in_app(
                people,
                kind="tracker.meeting_changed",
                url=url,
                params=_params(meeting, when=format_slot(new_slot), text=reason),
            )
        _invite_after_commit(meeting)
    return meeting


def meeting_cancel(*, meeting: Meeting, actor, reason: str) -> Meeting:
    """Either party (or the ministry) cancels; an agreed meeting is withdrawn from calendars (METHOD:CANCEL)."""
    require(permissions.can_cancel_meeting(actor, meeting))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give a reason: it is sent with the cancellation.")}, code="reason_required"
        )
    with transaction.atomic():
        meeting = _lock(meeting)
        was_agreed = MEETING.move(meeting, "cancel") == MeetingState.CONFIRMED
        meeting.cancel_reason = reason
        if was_agreed:
            meeting.sequence += 1
        meeting.save()
        record(
            actor=actor,
            action="tracker.meeting_cancelled",
            obj=meeting,
            reason=reason,
            sequence=meeting.sequence,
        )
        params = _params(meeting, text=reason)
        tell = _tell_in_app if was_agreed else _tell  # an agreed meeting's e-mail is the cancellation's .ics
        tell(
            active_members(meeting.startup),
            kind="tracker.meeting_cancelled",
            url=site_url(meeting),
            params=params,
        )
        tell(
            active_members(meeting.municipality),
            kind="tracker.meeting_cancelled",
            url=admin_url(meeting),
            params=params,
        )
        if was_agreed:
            _invite_after_commit(meeting)
    return meeting


# --- from an agreed visit to a travel request -------------------------------------------------------------------


def visit_trip_plan(meeting: Meeting) -> dict | None:
    """What a travel request for an agreed on-site visit starts with: dates around the visit (nights from the
    distance, as the estimate counts them), the destination (the municipality), the origin (the startup's
    profile), the purpose and the geo estimate. None when the meeting is not an agreed on-site visit of an
    engagement. Nothing is written: the startup reviews the form and sends it."""
    slot = meeting.chosen_slot
    if (
        meeting.state != MeetingState.CONFIRMED
        or slot is None
        or not slot.is_on_site
        or meeting.engagement_id is None
    ):
        return None
    engagement = meeting.engagement
    if engagement is None:
        return None
    origin = default_origin(engagement.startup)
    destination = engagement.municipality.local_government
    visit_day = slot.starts_at.astimezone(JST).date()
    plan = {
        "origin": origin,
        "destination": destination,
        "visit_day": visit_day,
        "travellers": 1,
        "purpose": f"{meeting.get_kind_display()}: {meeting.title} ({format_slot(slot)}, {slot.place})",
        "departure_date": visit_day,
        "return_date": visit_day,
        "transport": "express",
        "estimate": None,
    }
    if origin is None or destination is None:
        return plan
    first = travel_estimate(
        origin=origin, destination=destination, travellers=1, departure_date=visit_day, return_date=visit_day
    )
    # The nights follow the distance (docs/travel-cost.md): leave the day before, come back the day after.
    nights = default_nights(first.distance_km)
    departure = visit_day - dt.timedelta(days=(nights + 1) // 2)
    ret = departure + dt.timedelta(days=nights)
    estimate = travel_estimate(
        origin=origin, destination=destination, travellers=1, departure_date=departure, return_date=ret
    )
    plan.update(
        departure_date=departure,
        return_date=ret,
        estimate=estimate,
        transport=estimate.mode if estimate.mode in Transport.values else "express",
    )
    return plan
