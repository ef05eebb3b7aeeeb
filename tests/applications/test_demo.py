"""The demo grows applications in every state, with reviews, and seeding twice changes nothing."""

from __future__ import annotations

from portal.applications.demo import create_demo_applications
from portal.applications.models import Application, ApplicationState, Review
from portal.challenges.demo import create_demo_challenges
from portal.challenges.models import ChallengeIndexPage
from portal.demo import data, seed


def _seed():
    result = seed.SeedResult()
    for step in (seed.seed_ministry, seed.seed_municipalities, seed.seed_startups):
        step(result)
    create_demo_challenges(ChallengeIndexPage.objects.get(), result.municipalities)
    return result


def _run(result):
    return create_demo_applications(
        municipalities=result.municipalities,
        startups=result.startups,
        fy2017_applications=data.FY2017_APPLICATIONS,
        fy2017_matches=data.FY2017_MATCHES,
    )


def test_demo_applications_cover_every_state_with_reviews(db):
    result = _seed()
    created = _run(result)
    states = set(Application.objects.values_list("state", flat=True))
    assert states == set(ApplicationState.values)
    fy2017 = Application.objects.filter(challenge__application_closes__lt=created[-1].created_at)
    assert fy2017.filter(state=ApplicationState.MATCHED).count() == len(data.FY2017_MATCHES)
    assert Review.objects.exists()
    assert Review.objects.filter(application__state=ApplicationState.MATCHED).count() >= 7
    demo_startup = result.startups["data-cradle-sanuki"]
    assert Application.objects.filter(startup=demo_startup, state=ApplicationState.DRAFT).exists()
    assert Application.objects.filter(startup=demo_startup, state=ApplicationState.MORE_INFO).exists()
    # Idempotent.
    assert _run(result) == []
