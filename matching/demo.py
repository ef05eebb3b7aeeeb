"""Demo matching runs for `seed_demo`: one with the default weights, then one that weighs the texts more under a
travel budget, so the admin shows proposals to review and what changed between the two runs.

    from matching.demo import create_demo_match_run
    create_demo_match_run(ministry=result.ministry)

Idempotent: when any run exists, nothing is created. Nothing is accepted or rejected (that is for the visitor to
try; the FY2017 matches are history in the applications and tracker demos).
"""

from __future__ import annotations

from django.conf import settings

from portal.accounts.models import Membership, Organisation

from . import services
from .embeddings import Backfill, embeddings_backfill
from .models import MatchRun

DEMO_RUNS = [
    {},
    {"weights": {"text": 0.5, "preference": 0.1}, "travel_budget_yen": 600_000},
]


def create_demo_match_run(*, ministry: Organisation | None) -> list[MatchRun]:
    """Run the engine on the demo data twice (synchronously); returns the runs (the existing ones if any)."""
    existing = list(MatchRun.objects.order_by("created_at", "pk"))
    if existing:
        return existing
    membership = (
        Membership.objects.filter(organisation=ministry, user__is_active=True).select_related("user").first()
        if ministry is not None
        else None
    )
    actor = membership.user if membership else None
    runs = []
    for parameters in DEMO_RUNS:
        run = services.match_run_create(actor=actor, **parameters)
        runs.append(services.match_run_execute(run=run))
    return runs


def embed_demo_texts() -> Backfill | None:
    """Compute the demo texts' missing embeddings before the demo runs (a few seconds for the demo's ~50 texts),
    as the task worker would after each save; nothing when settings.MATCHING_EMBEDDINGS is off."""
    if not settings.MATCHING_EMBEDDINGS:
        return None
    return embeddings_backfill()
