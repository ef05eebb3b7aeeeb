"""Times to first reply for the tracker's scorecards (registered in ConversationsConfig.ready()).

In each conversation (an application's or an engagement's), a message from the startup waits for the municipality's
next message and the other way round; the first reply closes the wait. Internal notes and the ministry's messages
neither open nor close a wait. One query for all threads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import F
from django.db.models.functions import Coalesce

from portal.tracker.scorecards import Wait

from .models import Message, MessageKind

PARTIES = (Message.Side.STARTUP, Message.Side.MUNICIPALITY)


def reply_waits(start: dt.datetime, end: dt.datetime) -> Iterator[Wait]:
    """Every wait that began in [start, end), attributed to the organisation that replied."""
    rows = (
        Message.objects.filter(side__in=PARTIES)
        .exclude(kind=MessageKind.NOTE)
        .annotate(
            municipality_id=Coalesce(
                F("thread__application__challenge__municipality_id"), F("thread__engagement__municipality_id")
            ),
            startup_id=Coalesce(F("thread__application__startup_id"), F("thread__engagement__startup_id")),
        )
        .order_by("thread_id", "created_at", "pk")
        .values_list("thread_id", "side", "created_at", "municipality_id", "startup_id")
    )
    thread = None
    waiting: tuple[str, dt.datetime] | None = None  # (the side that waits, since when)
    for thread_id, side, at, municipality_id, startup_id in rows.iterator():
        if thread_id != thread:
            thread, waiting = thread_id, None
        if waiting is None:
            waiting = (side, at)
            continue
        waiting_side, since = waiting
        if side == waiting_side:
            continue  # a second message before any reply: the wait started with the first
        replier = municipality_id if side == Message.Side.MUNICIPALITY else startup_id
        if start <= since < end and replier is not None:
            yield Wait(organisation_id=replier, hours=(at - since).total_seconds() / 3600, started=since)
        waiting = (side, at)  # the reply now waits for the other side's answer
