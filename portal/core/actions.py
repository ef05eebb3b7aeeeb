"""What a user must do now ("action needed" at the top of a startup's My page), collected from the apps.

Apps after core register a provider: a function (user, organisation) → list of ActionItem. Core never imports
them; an app registers in its AppConfig.ready():

    from portal.core.actions import register_action_provider
    register_action_provider(my_actions)

Items are sorted by deadline (items without one last). Providers run a fixed number of queries each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

_PROVIDERS: list[Callable] = []


@dataclass(frozen=True)
class ActionItem:
    kind: str  # a stable key, e.g. "application.reply" (tests and styling)
    title: str  # already in the reader's language
    url: str
    deadline: dt.date | dt.datetime | None = None
    detail: str = ""


def register_action_provider(provider: Callable) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def actions_for(user, organisation) -> list[ActionItem]:
    items: list[ActionItem] = []
    for provider in _PROVIDERS:
        items.extend(provider(user, organisation))

    def key(item: ActionItem):
        deadline = item.deadline
        if deadline is None:
            return (1, dt.datetime.max.replace(tzinfo=dt.UTC))
        if not isinstance(deadline, dt.datetime):
            deadline = dt.datetime.combine(deadline, dt.time.max, tzinfo=dt.UTC)
        return (0, deadline)

    return sorted(items, key=key)
