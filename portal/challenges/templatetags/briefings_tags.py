"""Briefing sessions on the challenge page, the round page and My page (portal/challenges/briefings)."""

from __future__ import annotations

from django import template

from portal.challenges.briefings import selectors
from portal.challenges.models import ChallengePage

register = template.Library()


@register.inclusion_tag("challenges/briefings/session_list.html", takes_context=True)
def briefing_sessions(context, page):
    """The sessions of a challenge, or of a round (its own and its challenges'), with the reader's registrations."""
    request = context.get("request")
    specific = page.specific if hasattr(page, "specific") else page
    if isinstance(specific, ChallengePage):
        sessions = selectors.sessions_for_challenge(specific)
    else:
        sessions = selectors.sessions_for_round(specific)
    user = getattr(request, "user", None)
    mine = selectors.registrations_by_session(user, sessions) if user is not None else {}
    for session in sessions:
        session.my_registration = mine.get(session.pk)
    return {"sessions": sessions, "anchor": page.pk, "request": request}


@register.inclusion_tag("challenges/briefings/mypage_section.html", takes_context=True)
def mypage_briefings(context):
    request = context.get("request")
    return {"registrations": selectors.my_registrations(request.user, limit=5), "request": request}
