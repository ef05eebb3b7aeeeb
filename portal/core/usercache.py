"""One user's figures kept between requests: the logged-in shell's unread counts, the user's memberships and
permissions. Only ever the user's own figures, under a key that names the user; never anything shared between users.

An entry lives under `usercache:<name>:<user pk>` and holds the versions it was computed at. A version is a
generation (portal/core/generations.py): one per entry name and user (`usercache:<name>:g:<user pk>`, retired when
that user's figures change: a notification for them, their read marks, their membership) and one per scope
(`usercache:scope-g:<scope>`, retired by a write that changes many users' figures at once, e.g. a new message in
a thread several people read). One `get_many` fetches the entry and its versions; an entry computed at other
versions is stale and recomputed. The versions are read before the figures are computed, so a figure computed while
a write commits is stored under the old version and never read.

Writers call `invalidate_user` / `invalidate_scope` inside their transaction: the bump happens at once and again
after the commit (a reader between the two recomputes from the old rows; the second bump retires that entry). A
missing version (evicted, a new user) starts as a new random token, so an old entry never matches a new one.

The entries every signed-in page reads (the shell's: `register(name, scopes=...)`, e.g. the memberships and the
unread counts) are fetched together: the first `cached_for_user` of a request asks one `get_many` for every
registered entry and its versions, and the others find their keys in that answer (issue #20: one round trip for the
shell instead of one per entry). An entry may share another's versions (`versioned_by`): My page's latest
notifications are retired by whatever retires the unread counts, with no write of their own.

Within a request the value is also kept on the user object, until any invalidation in this process (a write in
the same request, or in a test between two reads with one user object) moves the process's generation on.

How long an entry may live is a setting per name (see `SECONDS_SETTINGS`); 0 turns the cache off (the tests'
default: a test's rolled-back rows would leave entries for user ids the next test reuses).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache

from . import generations

# name → the setting with its lifetime in seconds (0 = not cached between requests)
SECONDS_SETTINGS = {
    "unread": "SHELL_CACHE_SECONDS",
    "access": "ACCESS_CACHE_SECONDS",
}

_MEMO_PREFIX = "_xact_usercache_"
# Moved on by every invalidation in this process: a memo from an older generation is not used.
_generations = itertools.count(1)
_generation = 0


def _seconds(name: str) -> int:
    return int(getattr(settings, SECONDS_SETTINGS.get(name, "SHELL_CACHE_SECONDS"), 0))


def _entry_key(name: str, pk: int) -> str:
    return f"usercache:{name}:{pk}"


def _user_version_key(name: str, pk: int) -> str:
    return f"usercache:{name}:g:{pk}"


def _scope_key(scope: str) -> str:
    return f"usercache:scope-g:{scope}"


def _versions(keys: list[str], found: dict) -> tuple:
    return generations.started_tokens(keys, found)


# name → (the name whose versions it is checked against, its scopes): read together on each request
_REGISTERED: dict[str, tuple[str, Callable[[], Iterable[str]]]] = {}
_FETCHED = _MEMO_PREFIX + "fetched"


def register(
    name: str, *, scopes: Callable[[], Iterable[str]] = tuple, versioned_by: str | None = None
) -> None:
    """An entry every signed-in page reads: fetched with the others in one `get_many` (see the module's doc)."""
    _REGISTERED[name] = (versioned_by or name, scopes)


def _keys(name: str, pk: int, versioned_by: str, scopes: Iterable[str]) -> tuple[str, list[str]]:
    return _entry_key(name, pk), [_user_version_key(versioned_by, pk), *(_scope_key(s) for s in scopes)]


def _fetch(user, keys: list[str]) -> dict:
    """What the cache holds under `keys`, from this request's shared read when it asked for them, else one read
    (of these keys and, the first time in the request, every registered entry's)."""
    fetched = getattr(user, _FETCHED, None)
    if fetched is not None and fetched[0] == _generation and fetched[1].issuperset(keys):
        return fetched[2]
    wanted = set(keys)
    if fetched is None or fetched[0] != _generation:
        for name, (versioned_by, scopes) in _REGISTERED.items():
            if _seconds(name) > 0:
                entry_key, version_keys = _keys(name, user.pk, versioned_by, scopes())
                wanted.update((entry_key, *version_keys))
    found = cache.get_many(sorted(wanted))
    setattr(user, _FETCHED, (_generation, frozenset(wanted), found))
    return found


def cached_for_user(
    name: str,
    user,
    compute: Callable[[], Any],
    *,
    scopes: Iterable[str] = (),
    versioned_by: str | None = None,
) -> Any:
    """`compute()` for this signed-in user, from the request's memo, else the cache, else computed and stored.
    `versioned_by`: the name whose versions retire this entry (default: its own)."""
    memo = _MEMO_PREFIX + name
    kept = getattr(user, memo, None)
    if kept is not None and kept[0] == _generation:
        return kept[1]
    generation = _generation
    seconds = _seconds(name)
    if seconds <= 0 or user.pk is None:
        value = compute()
    else:
        entry_key, version_keys = _keys(name, user.pk, versioned_by or name, scopes)
        found = _fetch(user, [entry_key, *version_keys])
        versions = _versions(version_keys, found)
        entry = found.get(entry_key)
        if entry is not None and entry[0] == versions:
            value = entry[1]
        else:
            value = compute()
            cache.set(entry_key, (versions, value), seconds)
    setattr(user, memo, (generation, value))
    return value


def _bump_now_and_after_commit(key: str) -> None:
    global _generation
    _generation = next(_generations)
    generations.retire_keys(key)


def forget_in_request(name: str, user) -> None:
    """Drop the request's memo on this user object (the next read goes to the cache or the database)."""
    memo = _MEMO_PREFIX + name
    if user is not None and not isinstance(user, int) and hasattr(user, memo):
        delattr(user, memo)


def invalidate_user(name: str, user_or_pk) -> None:
    """The figures `name` of this user (an object or a pk) changed: every cached copy is stale from now on."""
    if user_or_pk is None:
        return
    forget_in_request(name, user_or_pk)
    pk = user_or_pk if isinstance(user_or_pk, int) else user_or_pk.pk
    if pk is not None:
        _bump_now_and_after_commit(_user_version_key(name, pk))


def invalidate_users(name: str, pks: Iterable[int]) -> None:
    for pk in set(pks):
        invalidate_user(name, pk)


def invalidate_scope(scope: str) -> None:
    """A write that changes the figures of many users (everything cached with this scope is stale)."""
    _bump_now_and_after_commit(_scope_key(scope))
