"""iCalendar (RFC 5545) building blocks shared by every app that hands out an .ics file, with the `icalendar` package.

One VEVENT per thing a person puts in their calendar, identified by a UID that never changes; every change or
cancellation raises SEQUENCE so calendar programs replace the event they already hold. Times carry
TZID=Asia/Tokyo with the matching VTIMEZONE, so the event is at the same Japanese time whatever the server's or the
reader's zone. Used by the tracker's meetings (portal/tracker/ics.py) and the briefing sessions
(portal/challenges/briefings/ics.py).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .fiscal import JST

REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def address(email: str, name: str, **params) -> vCalAddress:
    """An ORGANIZER or ATTENDEE: mailto address with its CN and any other parameters (ROLE, PARTSTAT …)."""
    value = vCalAddress(f"mailto:{email}")
    value.params["CN"] = vText(name)
    for key, param in params.items():
        value.params[key] = vText(param)
    return value


def portal_sender() -> str:
    """The portal's own e-mail address (DEFAULT_FROM_EMAIL without its display name)."""
    return settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">").strip()


def new_calendar(*, prodid: str, method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    return calendar


def new_event(
    *, uid: str, sequence: int, starts_at: dt.datetime, ends_at: dt.datetime, summary: str, cancelled: bool
) -> Event:
    """A VEVENT in Japan time (TZID=Asia/Tokyo), stamped now (UTC), CONFIRMED or CANCELLED."""
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now())  # UTC
    event.add("dtstart", starts_at.astimezone(JST))
    event.add("dtend", ends_at.astimezone(JST))
    event.add("summary", summary)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def finish(calendar: Calendar, event: Event) -> bytes:
    """The calendar with its one event and the VTIMEZONE its times need, as bytes."""
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
