"""Reads on challenges, with their related rows fetched up front."""

from __future__ import annotations

from django.db.models import QuerySet

from .catalogue import optimise
from .models import ChallengeIndexPage, ChallengePage


def catalogue_page() -> ChallengeIndexPage | None:
    return ChallengeIndexPage.objects.live().first()


def live_challenges() -> QuerySet[ChallengePage]:
    """Published challenges the public may see (no view restriction)."""
    return ChallengePage.objects.live().public()


def challenges_for_export(queryset: QuerySet[ChallengePage]) -> QuerySet[ChallengePage]:
    return optimise(queryset)
