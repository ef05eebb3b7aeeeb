"""Work queues for staff on the admin home: what waits for municipality staff and for ministry staff, as counts
with links.

Apps contribute through Wagtail's hook registry (`register_work_queue`): a function `(user, audience,
organisation_ids)` returning `QueueEntry` items. Each function makes a fixed number of queries (one count or one
aggregate) whatever the number of waiting items, so the admin home costs the same with 10 items as with 10,000.
Core knows no app: the hand-over goes through the hook, against the import flow (ARCHITECTURE.md). Who is in
which audience is decided by accounts (portal/accounts/admin_home.py), which shows the panel.
"""

from __future__ import annotations

from dataclasses import dataclass

from wagtail import hooks

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


def work_queue(user, audience: str, organisation_ids: list[int]) -> list[QueueEntry]:
    """Every entry the registered apps give for this audience (the ministry's, or the municipalities in
    `organisation_ids`), in display order; zero counts included: "nothing waits" is an answer too."""
    if audience not in (MUNICIPALITY, MINISTRY):
        return []
    entries: list[QueueEntry] = []
    for fn in hooks.get_hooks(HOOK):
        entries.extend(fn(user, audience, list(organisation_ids)) or ())
    return sorted(entries, key=lambda e: (e.order, e.key))
