"""A briefing session as an .ics file for a registered startup (portal/core/ics.py: stable UID, SEQUENCE raised on
every change or cancellation, TZID=Asia/Tokyo)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from portal.core import ics as core_ics

from .models import BriefingFormat, BriefingSession

PRODID = "-//xact//briefing sessions//JA"


def session_calendar(session: BriefingSession) -> bytes:
    """METHOD PUBLISH while the session stands (a registered seat is not an invitation to answer), CANCEL once it
    is cancelled."""
    cancelled = session.is_cancelled
    calendar = core_ics.new_calendar(prodid=PRODID, method=core_ics.CANCEL if cancelled else core_ics.PUBLISH)
    event = core_ics.new_event(
        uid=session.uid,
        sequence=session.sequence,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=_("Briefing: %(title)s") % {"title": session.localized_title},
        cancelled=cancelled,
    )
    if session.format == BriefingFormat.ONLINE:
        event.add("location", session.online_url)
        event.add("url", session.online_url)
    else:
        event.add("location", session.localized_venue)
    description = [session.localized_description] if session.localized_description else []
    if session.format == BriefingFormat.ONLINE:
        description.append(_("Online meeting link: %(url)s") % {"url": session.online_url})
    if session.is_cancelled and session.cancel_reason:
        description.append(_("Cancelled: %(reason)s") % {"reason": session.cancel_reason})
    if description:
        event.add("description", "\n\n".join(description))
    organiser = (
        str(session.challenge.municipality) if session.challenge_id else _("StartupXAct programme office")
    )
    event.add("organizer", core_ics.address(core_ics.portal_sender(), organiser))
    return core_ics.finish(calendar, event)


def filename(session: BriefingSession) -> str:
    return f"xact-briefing-{session.pk}.ics"
