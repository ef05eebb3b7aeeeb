"""Reads about declared conflicts of interest: which startups a declaration covers, who is recused from what, and
which (challenge, startup) pairs a matching run must leave out. No permission logic here (permissions.py uses these).

The same relation across organisations: a declaration covers the declared startup and every startup organisation
whose profile carries the same corporate number (法人番号) — the number recorded with the declaration when it was
made, or the declared startup's number today. Profiles hold a corporate number at most once at a time (a database
constraint), so in practice this is the company re-registered under a new organisation (an old account closed,
a new one opened): the declaration follows the company, not the account.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from portal.accounts.models import StartupProfile

from .models import ConflictOfInterest
from .models.conflicts import ConflictSide

_CACHE_ATTR = "_xact_conflicts"


def active_conflicts() -> QuerySet[ConflictOfInterest]:
    return ConflictOfInterest.objects.filter(withdrawn_at__isnull=True).select_related(
        "person", "startup", "challenge", "municipality"
    )


def conflict_startup_ids(declarations: Iterable[ConflictOfInterest]) -> dict[int, frozenset[int]]:
    """declaration id → the startup organisation ids it covers (the declared one + same corporate number)."""
    declarations = list(declarations)
    current = dict(
        StartupProfile.objects.filter(organisation_id__in={d.startup_id for d in declarations}).values_list(
            "organisation_id", "corporate_number"
        )
    )
    numbers_of = {
        d.pk: {n for n in (d.corporate_number, current.get(d.startup_id, "")) if n} for d in declarations
    }
    holders: dict[str, set[int]] = {}
    wanted = set().union(*numbers_of.values()) if numbers_of else set()
    for number, organisation_id in StartupProfile.objects.filter(corporate_number__in=wanted).values_list(
        "corporate_number", "organisation_id"
    ):
        holders.setdefault(number, set()).add(organisation_id)
    return {
        d.pk: frozenset({d.startup_id}.union(*(holders.get(n, set()) for n in numbers_of[d.pk])))
        for d in declarations
    }


def conflicts_of_person(user) -> list[tuple[ConflictOfInterest, frozenset[int]]]:
    """The user's active declarations with the startups each covers; cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        declarations = list(active_conflicts().filter(person=user))
        covered = conflict_startup_ids(declarations)
        cached = [(d, covered[d.pk]) for d in declarations]
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_cached_conflicts(user) -> None:
    """Call after the user's declarations changed in the same request."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def recusal(user, *, startup_id: int, challenge_id: int | None = None) -> ConflictOfInterest | None:
    """The user's declaration that keeps them out of this startup (for this challenge), or None.

    A declaration without a challenge covers all of the startup's applications and proposals; one scoped to a
    challenge covers that challenge only.
    """
    for declaration, startups in conflicts_of_person(user):
        if startup_id in startups and declaration.challenge_id in (None, challenge_id):
            return declaration
    return None


def excluded_pairs(challenges) -> list[tuple[int, int, int]]:
    """(challenge id, startup id, declaration id) that a run over `challenges` must not propose, sorted.

    - a municipality staff member's declaration keeps the startup out of that municipality's challenges (all of
      them, or the one it is scoped to);
    - a ministry staff member's declaration scoped to a challenge keeps that one pair out;
    - a ministry declaration without a challenge excludes nothing: other ministry staff can still decide on the
      startup's proposals, and the person is recused (permissions) instead.
    """
    by_municipality: dict[int, list[int]] = {}
    challenge_ids = set()
    for c in challenges:
        by_municipality.setdefault(c.municipality_id, []).append(c.pk)
        challenge_ids.add(c.pk)
    declarations = list(active_conflicts())
    covered = conflict_startup_ids(declarations)
    pairs: dict[tuple[int, int], int] = {}
    for d in declarations:
        if d.challenge_id is not None:
            targets = [d.challenge_id] if d.challenge_id in challenge_ids else []
        elif d.side == ConflictSide.MUNICIPALITY:
            targets = by_municipality.get(d.municipality_id, [])
        else:
            targets = []
        for challenge_id in targets:
            for startup_id in covered[d.pk]:
                pairs.setdefault((challenge_id, startup_id), d.pk)
    return sorted((c, s, d) for (c, s), d in pairs.items())
