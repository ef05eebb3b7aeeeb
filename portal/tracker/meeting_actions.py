"""A startup's "action needed" item for visits and meetings (portal/core/actions.py): pick one of the times a
municipality offered, by the first of them. A source of My page's one "action needed" query: the meeting's title,
its municipality's names and its first offered time in one row each, whatever the number of meetings."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.core.actions import ActionItem, ActionRow, ActionSource, action_rows
from portal.core.fiscal import JST
from portal.core.i18n import in_reader_language

from .models import Meeting, MeetingSlot, MeetingState


def _rows(user, organisation):
    if organisation is None or not getattr(organisation, "is_startup", False):
        return None
    first_slot = (
        MeetingSlot.objects.filter(meeting=OuterRef("pk"), withdrawn=False)
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    return action_rows(
        Meeting.objects.filter(startup=organisation, state=MeetingState.PROPOSED),
        source="meeting.pick",
        texts=("title", "municipality__name", "municipality__name_en"),
        moment=Subquery(first_slot),
    )


def _items(rows: list[ActionRow], user, organisation) -> list[ActionItem]:
    return [
        ActionItem(
            kind="meeting.pick",
            title=_("Pick a time for “%(title)s” with %(municipality)s")
            % {"title": row.texts[0], "municipality": in_reader_language(row.texts[1], row.texts[2])},
            url=reverse("tracker:meeting", args=[row.pk]),
            deadline=row.moment.astimezone(JST).date() if row.moment else None,
        )
        for row in rows
    ]


SOURCE = ActionSource(key="meeting.pick", rows=_rows, items=_items)
