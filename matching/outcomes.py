"""What became of matched pairs, supplied by the app that follows them, without matching importing it.

The tracker registers a provider in its AppConfig.ready():

    from matching.outcomes import register_outcome_provider
    register_outcome_provider(engagement_outcomes)

A provider takes no argument and returns {(challenge id, startup id): stage} for the pairs whose engagement reached a
proven result (a finished PoC, a contract, deployment, adoption elsewhere). `matching_report` grades those pairs as
outcome-confirmed matches.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

OutcomeProvider = Callable[[], Mapping[tuple[int, int], str]]

_providers: list[OutcomeProvider] = []


def register_outcome_provider(provider: OutcomeProvider) -> OutcomeProvider:
    """Add a provider (once; registering the same callable twice is harmless). Usable as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_outcome_provider(provider: OutcomeProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def confirmed_outcomes() -> dict[tuple[int, int], str]:
    """Every provider's outcome-confirmed pairs: {(challenge id, startup id): stage reached}."""
    pairs: dict[tuple[int, int], str] = {}
    for provider in list(_providers):
        pairs.update(provider() or {})
    return pairs
