"""A startup's "action needed" item for visits and meetings (portal/core/actions.py): pick one of the times a
municipality offered, by the first of them. One query whatever the number of meetings."""

from __future__ import annotations

from django.db.models import Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.core.actions import ActionItem
from portal.core.fiscal import JST

from .models import Meeting, MeetingState


def meeting_actions(user, organisation) -> list[ActionItem]:
    if organisation is None or not getattr(organisation, "is_startup", False):
        return []
    meetings = (
        Meeting.objects.filter(startup=organisation, state=MeetingState.PROPOSED)
        .select_related("municipality")
        .annotate(first_slot=Min("slots__starts_at", filter=Q(slots__withdrawn=False)))
    )
    return [
        ActionItem(
            kind="meeting.pick",
            title=_("Pick a time for “%(title)s” with %(municipality)s")
            % {"title": m.title, "municipality": m.municipality},
            url=reverse("tracker:meeting", args=[m.pk]),
            deadline=m.first_slot.astimezone(JST).date() if m.first_slot else None,
        )
        for m in meetings
    ]
