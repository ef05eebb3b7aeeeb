"""Near-duplicate detection for the challenge editor: the engine's text relevance (semantic.SemanticText, the same
measure that scores startups against challenges) of the challenge being written against other municipalities'
published challenges. Registered with portal.challenges.similar when the app is ready."""

from __future__ import annotations

import numpy as np

from matching.engine.semantic import SemanticText
from portal.challenges.models import ChallengePage
from portal.challenges.similar import SimilarChallenge

# The raw relevance is the share of one text's (IDF-weighted) words the other covers, both ways (docs/matching.md,
# "Text relevance" 4): at 0.5 half of the need is worded alike — near enough to show the writer.
NEAR_DUPLICATE = 0.5
MAX_COMPARED = 500  # the latest published challenges of other municipalities


def _text(page) -> str:
    return "\n".join(filter(None, [page.title, page.summary, page.background, page.desired_outcome]))


def similar_challenges(page, limit: int) -> list[SimilarChallenge]:
    """Other municipalities' published challenges whose text relevance to `page` reaches NEAR_DUPLICATE, best first."""
    text = _text(page)
    if not text.strip():
        return []
    others = list(
        ChallengePage.objects.live()
        .public()
        .exclude(pk=page.pk)
        .exclude(municipality_id=page.municipality_id)
        .select_related("municipality")
        .order_by("-first_published_at")[:MAX_COMPARED]
    )
    if not others:
        return []
    # The page being written is the "startup" side: coverage(other → page) is how much of the other's need it states.
    relevance = SemanticText([_text(o) for o in others], [text]).raw(np.array([0]))[0]
    ranked = sorted(zip(others, relevance.tolist(), strict=True), key=lambda pair: -pair[1])
    return [SimilarChallenge(page=o, relevance=round(r, 2)) for o, r in ranked if r >= NEAR_DUPLICATE][:limit]
