"""Near-duplicate challenges: other municipalities' published challenges about the same problem, with their outcome.

The text relevance lives in the matching module, above challenges in the import chain, so it registers itself here
(a registry, as ARCHITECTURE.md asks for hand-overs against the flow); without a provider the editor shows none.

    register_similar_provider(fn)      # fn(page, limit) -> [SimilarChallenge]
    register_join_provider(fn)         # fn(similar_pages, writing_page) -> {similar page pk: URL to join its solution}
    similar_challenges(page)           # the editor's panel

Joining a solved challenge (横展開) is the tracker's: it knows which challenges' engagements reached a contract or
deployment, and the URL of its 「この取組みに参加する」 screen. It registers a join provider; a similar challenge that
has such a solution carries `join_url`, and the panel offers it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from .status import ChallengeOutcome


@dataclass(frozen=True)
class SimilarChallenge:
    page: object  # a live ChallengePage of another municipality
    relevance: float  # the matching engine's text relevance, 0–1
    join_url: str = ""  # where the writer's municipality joins the solution found for it ('' if none to join)

    @property
    def solved(self) -> bool:
        """The other municipality found its partner (a match was made on it)."""
        return self.page.outcome == ChallengeOutcome.MATCHED


_providers: list[Callable] = []
_join_providers: list[Callable] = []


def register_similar_provider(provider: Callable) -> None:
    if provider not in _providers:
        _providers.append(provider)


def register_join_provider(provider: Callable) -> None:
    if provider not in _join_providers:
        _join_providers.append(provider)


def similar_challenges(page, *, limit: int = 3) -> list[SimilarChallenge]:
    """Other municipalities' near-duplicates of `page`, best first, each with the URL to join its solution if the
    other municipality's match became a solution others may join."""
    similar: list[SimilarChallenge] = []
    for provider in _providers:
        similar = provider(page, limit)
        break
    if not similar:
        return []
    join_urls: dict = {}
    for join_provider in _join_providers:
        join_urls.update(join_provider([s.page for s in similar], page))
    return [replace(s, join_url=join_urls.get(s.page.pk, "")) for s in similar]
