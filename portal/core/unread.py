"""The unread counts every logged-in page shows (the header's notifications and messages, the admin's bell and
its messages item, My page's "action needed"), read once per request and kept between requests.

Apps after core add their count with `register_unread_counter(name, count, scopes=...)` in their AppConfig.ready()
(core never imports them); core counts the notifications. `unread_counts(user)` answers every count at once: on a
cache hit without a query, else one query per counter. The entry is the user's own (portal/core/usercache.py,
name "unread", keyed by the user's pk) and is retired when a count may have changed:

- the user's notifications: created (`notify`), read (`mark_read`), saved or deleted → `invalidate_unread(user)`;
- a counter's scope: a write that changes many users' counts (conversations: a new message) →
  `invalidate_unread_scope(scope)`;
- the user's memberships (what they may read) → accounts calls `invalidate_unread(user)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import usercache

NAME = "unread"


@dataclass(frozen=True)
class _Counter:
    count: Callable[[object], int]
    scopes: tuple[str, ...]


_COUNTERS: dict[str, _Counter] = {}


def register_unread_counter(name: str, count: Callable[[object], int], *, scopes: Iterable[str] = ()) -> None:
    """`count(user)` → the user's unread `name`; `scopes` name the shared versions whose bump makes it stale."""
    _COUNTERS[name] = _Counter(count, tuple(scopes))


def _scopes() -> list[str]:
    return sorted({s for c in _COUNTERS.values() for s in c.scopes})


usercache.register(NAME, scopes=_scopes)  # read with the shell's other entries, in one round trip


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def unread_counts(user) -> dict[str, int]:
    """Every registered count for this user ({} for anonymous visitors); missing names read as 0 via `.get`."""
    if not _signed_in(user):
        return {}
    scopes = _scopes()

    def compute() -> dict[str, int]:
        return {name: int(counter.count(user) or 0) for name, counter in _COUNTERS.items()}

    return usercache.cached_for_user(NAME, user, compute, scopes=scopes)


def unread(user, name: str) -> int:
    return unread_counts(user).get(name, 0)


def invalidate_unread(user_or_pk) -> None:
    usercache.invalidate_user(NAME, user_or_pk)


def invalidate_unread_for(pks: Iterable[int]) -> None:
    usercache.invalidate_users(NAME, pks)


def invalidate_unread_scope(scope: str) -> None:
    usercache.invalidate_scope(scope)
