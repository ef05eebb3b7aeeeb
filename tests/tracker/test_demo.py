"""The demo: FY2017's 7 matches in varied stages, trips within budgets, an adoption and a published case study."""

import pytest
from django.core.management import call_command

from portal.core.calendar import current_fiscal_year
from portal.demo import data
from portal.tracker import selectors, services
from portal.tracker.models import CaseStudyPage, Engagement, FiscalBudget, TravelRequest
from portal.tracker.workflow import Stage

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_tracker_and_is_idempotent():
    call_command("seed_demo", verbosity=0)
    matches = Engagement.objects.filter(fiscal_year=2017).exclude(source=Engagement.Source.ADOPTION)
    assert matches.count() == len(data.FY2017_MATCHES) == 7
    takamatsu = matches.filter(municipality__local_government_id="372013")
    assert set(takamatsu.values_list("stage", flat=True)) == {Stage.CONSULTATION}
    assert len(set(matches.values_list("stage", flat=True))) >= 5
    adoption = Engagement.objects.get(source=Engagement.Source.ADOPTION)
    assert adoption.origin.municipality.local_government_id == "014877"
    assert CaseStudyPage.objects.live().filter(engagement=adoption.origin).exists()
    assert set(FiscalBudget.objects.values_list("fiscal_year", flat=True)) == {2017, current_fiscal_year()}
    assert TravelRequest.objects.filter(fiscal_year=2017, state="paid").count() == 7
    assert TravelRequest.objects.filter(fiscal_year=current_fiscal_year()).count() == 2
    for budget in FiscalBudget.objects.all():
        b = services.balances(budget)
        assert (b["reserved"], b["settled"], b["paid"]) == (
            budget.reserved_yen,
            budget.settled_yen,
            budget.paid_yen,
        )
    figures = selectors.programme_figures(2017)
    assert (figures["matches"], figures["adoption"]) == (7, 1) and figures["travel_paid_yen"] > 0
    counts = (Engagement.objects.count(), TravelRequest.objects.count(), CaseStudyPage.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (
        Engagement.objects.count(),
        TravelRequest.objects.count(),
        CaseStudyPage.objects.count(),
    ) == counts
