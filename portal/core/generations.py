"""Generations: how every cache of the portal retires many entries at once (issue #20).

A generation is a token in the shared cache. Each entry kept under it stores the token it was made under, and is
used only while that token is still the current one; retiring the generation (a new token) makes every entry made
before stale at once, without finding or deleting them. The entry and the tokens it depends on are read in one
round trip (`read`).

A write retires a generation twice: at once, so that the writing request (which sees its own rows) does not read
an old entry, and again when its transaction commits, so that an entry another request made meanwhile from the
rows as they were before the commit is not kept under the new token.

Users of this module:

- `portal.core.pagecache` (content pages' bodies and visitors' whole pages): `CONTENT`;
- `portal.core.routing` (the path → page answers and the view-restriction map): `ROUTING`;
- `portal.search.results_cache` (the search page's rendered results): `SEARCH`;
- `portal.core.usercache` (one user's shell figures): a generation per entry name and user, and per scope;
- `portal.tracker.dashboard` (the ministry's dashboard figures): `DASHBOARD`;
- `portal.challenges.catalogue` (the catalogue's pages and fragments): one generation per facet value, read and
  read by key (`read_tokens`) and renewed with its facet index (`renew_keys`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

# A token is a string. The releases before this module kept some generations as counters moved on by `incr`
# ("pagecache:version", "routing:version", "usercache:<name>:v:<pk>", "usercache:scope:<scope>"); the generations
# here have other keys, so that during a rolling deployment a process of the previous release never finds a token
# where it expects a number (tests/core/test_generations.py).


def _new_token() -> str:
    return uuid.uuid4().hex


def renew_keys(keys: Iterable[str]) -> None:
    """New tokens for these generations, now only (for a caller that already repeats itself on commit)."""
    cache.set_many({key: _new_token() for key in keys}, None)


def retire_keys(*keys: str) -> None:
    """Retire the generations named by these cache keys now, and again when the current transaction commits."""
    if not keys:
        return
    renew_keys(keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: renew_keys(keys))


def read_tokens(generation_keys: list[str], *entry_keys: str) -> tuple[dict[str, str], dict]:
    """(the current token of each generation, "" for one never retired; the entries found under `entry_keys`):
    one round trip."""
    found = cache.get_many([*entry_keys, *generation_keys])
    tokens = {key: found.pop(key, "") for key in generation_keys}
    return tokens, found


def started_tokens(generation_keys: list[str], found: dict) -> tuple[str, ...]:
    """The current token of each generation, from `found` (an answer of `cache.get_many` that asked for them);
    one missing (never retired, or evicted) is started, by whichever process gets there first. `found` is filled
    in, so that a later reader of the same answer sees the same tokens."""
    tokens = []
    for key in generation_keys:
        token = found.get(key)
        if token is None:
            token = _new_token()
            if not cache.add(key, token, None):
                token = cache.get(key) or token
            found[key] = token
        tokens.append(token)
    return tuple(tokens)


def concrete_models(models: Iterable[type]) -> set[type]:
    """These models and every installed concrete model that inherits from one of them (a signal's sender is the
    concrete class: a save of a page type is not sent as a save of `Page`)."""
    wanted = tuple(models)
    return {model for model in apps.get_models() if issubclass(model, wanted)}


class Generation:
    """One named generation. `enabled` says whether its cache is on (its period > 0): when off, nothing is read
    or written."""

    def __init__(self, key: str, *, enabled: Callable[[], bool]):
        self.key = key
        self.enabled = enabled

    def _start(self) -> str:
        return started_tokens([self.key], {})[0]

    def current(self) -> str:
        return cache.get(self.key) or self._start()

    def read(self, *entry_keys: str) -> tuple[str, dict]:
        """(the current token, the entries found under `entry_keys`): one round trip."""
        found = cache.get_many([self.key, *entry_keys])
        token = found.pop(self.key, None) or self._start()
        return token, found

    def retire(self, *args, **kwargs) -> None:
        """Every entry made under the current token is stale (now and after the commit). Takes any arguments, so
        that it can be connected to a signal as it is."""
        if self.enabled():
            retire_keys(self.key)

    def retire_on_change(
        self,
        models: Iterable[type],
        *,
        when: Callable[[object, bool], bool] | None = None,
        uid: str,
    ) -> None:
        """Retire on every save and deletion of these models and their subclasses; `when(instance, created)`, if
        given, decides for a save."""

        def saved(sender, instance, created=False, **kwargs):
            if when is None or when(instance, created):
                self.retire()

        def deleted(sender, instance, **kwargs):
            self.retire()

        for model in concrete_models(models):
            label = model._meta.label_lower
            post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{uid}.saved.{label}")
            post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"{uid}.deleted.{label}")
