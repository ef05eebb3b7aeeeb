"""iCalendar (RFC 5545) invitations for visits and meetings, written with the `icalendar` package.

One VEVENT per meeting, identified by the meeting's UID; every change or cancellation raises SEQUENCE so calendar
programs replace the event they already hold. Times carry TZID=Asia/Tokyo with the matching VTIMEZONE, so the
meeting is at the same Japanese time whatever the server's or the reader's zone.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from portal.core import ics as core_ics

from .models import Meeting, MeetingState

REQUEST = core_ics.REQUEST
CANCEL = core_ics.CANCEL
PRODID = "-//xact//visits and meetings//JA"
_address = core_ics.address


def organiser_of(meeting: Meeting) -> tuple[str, str]:
    """The municipality's staff member who proposed the meeting (e-mail, name shown), else the portal's sender."""
    person = meeting.proposed_by
    if person is not None and person.email:
        return person.email, f"{meeting.municipality} ({person.get_full_name() or person.email})"
    return core_ics.portal_sender(), str(meeting.municipality)


def meeting_calendar(meeting: Meeting, *, attendees=(), method: str | None = None) -> bytes:
    """The meeting's agreed slot as an .ics file: METHOD REQUEST while it stands, CANCEL once cancelled.

    `attendees` are users (their e-mail addresses are listed as ATTENDEE). Raises ValueError for a meeting
    without an agreed slot: there is nothing to put in a calendar yet.
    """
    slot = meeting.chosen_slot
    if slot is None:
        raise ValueError("the meeting has no agreed slot")
    cancelled = meeting.state == MeetingState.CANCELLED
    method = method or (CANCEL if cancelled else REQUEST)
    calendar = core_ics.new_calendar(prodid=PRODID, method=method)
    event = core_ics.new_event(
        uid=str(meeting.uid),
        sequence=meeting.sequence,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        summary=f"{meeting.get_kind_display()}: {meeting.title} ({meeting.municipality} × {meeting.startup})",
        cancelled=cancelled,
    )
    event.add("location", slot.place or slot.online_url)
    if slot.online_url:
        event.add("url", slot.online_url)
    description = [meeting.note] if meeting.note else []
    if slot.online_url:
        description.append(_("Online meeting link: %(url)s") % {"url": slot.online_url})
    if cancelled and meeting.cancel_reason:
        description.append(_("Cancelled: %(reason)s") % {"reason": meeting.cancel_reason})
    if description:
        event.add("description", "\n\n".join(description))
    email, name = organiser_of(meeting)
    event.add("organizer", _address(email, name))
    for person in attendees:
        if person.email:
            event.add(
                "attendee",
                _address(
                    person.email,
                    person.get_full_name() or person.email,
                    ROLE="REQ-PARTICIPANT",
                    PARTSTAT="ACCEPTED" if not cancelled else "DECLINED",
                ),
            )
    return core_ics.finish(calendar, event)


def filename(meeting: Meeting) -> str:
    return f"xact-meeting-{meeting.pk}.ics"
