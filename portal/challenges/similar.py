"""Near-duplicate challenges: other municipalities' published challenges about the same problem, with their outcome.

The text relevance lives in the matching module, above challenges in the import chain, so it registers itself here
(a registry, as ARCHITECTURE.md asks for hand-overs against the flow); without a provider the editor shows none.

    register_similar_provider(fn)      # fn(page, limit) -> [SimilarChallenge]
    similar_challenges(page)           # the editor's panel
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .status import ChallengeOutcome


@dataclass(frozen=True)
class SimilarChallenge:
    page: object  # a live ChallengePage of another municipality
    relevance: float  # the matching engine's text relevance, 0–1

    @property
    def solved(self) -> bool:
        """The other municipality found its partner (a match was made on it)."""
        return self.page.outcome == ChallengeOutcome.MATCHED


_providers: list[Callable] = []


def register_similar_provider(provider: Callable) -> None:
    if provider not in _providers:
        _providers.append(provider)


def similar_challenges(page, *, limit: int = 3) -> list[SimilarChallenge]:
    for provider in _providers:
        return provider(page, limit)
    return []
