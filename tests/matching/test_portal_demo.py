"""The demo's matching runs: two finished runs over the demo data, compared, created once."""

import io

import pytest
from django.core.management import call_command

from matching.models import MatchProposal, MatchRun

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_two_compared_runs_once():
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    runs = list(MatchRun.objects.order_by("pk"))
    assert [r.status for r in runs] == [MatchRun.Status.DONE, MatchRun.Status.DONE]
    first, second = runs
    assert second.previous == first and second.travel_budget_yen == 600_000
    assert second.budget_used_yen <= 600_000
    assert first.input_summary["challenges"] >= 5 and first.input_summary["startups"] >= 20
    assert (
        first.started_by is not None
        and first.started_by.memberships.filter(organisation__kind="ministry").exists()
    )
    assert MatchProposal.objects.filter(run=first, assigned=True).exists()
    assert MatchProposal.objects.filter(run=first).exclude(application=None).exists()
    counts = MatchProposal.objects.count()
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    assert MatchRun.objects.count() == 2 and MatchProposal.objects.count() == counts
