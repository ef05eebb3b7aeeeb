"""Work queues for staff on the admin home: what waits for municipality staff and for ministry staff, as counts
with links.

Apps contribute through Wagtail's hook registry (`register_work_queue`): a function `(user, audience,
organisation_ids)` returning `QueueEntry` items. Each function makes a fixed number of queries (one count or one
aggregate) whatever the number of waiting items, so the admin home costs the same with 10 items as with 10,000.
Core knows no app: the hand-over goes through the hook, against the import flow (ARCHITECTURE.md). Who is in
which audience is decided by accounts (portal/accounts/admin_home.py), which shows the panel.

An app declares its entries as a table of `Queue` rows (key, label, order, link) per audience and gives the counts
by key at run time:

    MUNICIPALITY_QUEUES = (Queue("questions_to_answer", _("Questions to answer"), 20, "question:index", …), …)
    def municipality_entries(user, audience, ids):
        return entries(MUNICIPALITY_QUEUES, {"questions_to_answer": …}) if audience == MUNICIPALITY else []
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from wagtail import hooks

from .i18n import StrOrPromise

HOOK = "register_work_queue"
MUNICIPALITY = "municipality"
MINISTRY = "ministry"


@dataclass(frozen=True)
class QueueEntry:
    key: str
    label: str
    count: int
    url: str
    order: int = 100


@dataclass(frozen=True)
class Queue:
    """One row of an app's work-queue table; its count comes at run time."""

    key: str
    label: StrOrPromise  # lazy; may name values given at run time ("%(days)d")
    order: int
    url_name: str  # the admin listing it links to, filtered by `query`
    query: Mapping[str, str] = field(default_factory=dict)


def link(name: str, *args, query: Mapping[str, str] | None = None) -> str:
    """The URL `name` with its query string, if any."""
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def entries(
    table: Iterable[Queue],
    counts: Mapping[str, int],
    *,
    links: Mapping[str, str] | None = None,
    values: Mapping[str, object] | None = None,
) -> list[QueueEntry]:
    """The entries of a table of queues: each row's count from `counts`, its link from the row (or `links`, where
    it depends on the data) and its label filled with `values`."""
    links = links or {}
    return [
        QueueEntry(
            q.key,
            str(q.label) % values if values else str(q.label),
            counts[q.key],
            links.get(q.key) or link(q.url_name, query=q.query),
            order=q.order,
        )
        for q in table
    ]


def work_queue(user, audience: str, organisation_ids: list[int]) -> list[QueueEntry]:
    """Every entry the registered apps give for this audience (the ministry's, or the municipalities in
    `organisation_ids`), in display order; zero counts included: "nothing waits" is an answer too."""
    if audience not in (MUNICIPALITY, MINISTRY):
        return []
    entries: list[QueueEntry] = []
    for fn in hooks.get_hooks(HOOK):
        entries.extend(fn(user, audience, list(organisation_ids)) or ())
    return sorted(entries, key=lambda e: (e.order, e.key))
