"""The demo programme: rounds with their municipalities and schedules, news, guides; seeding twice changes nothing."""

import datetime as dt

import pytest
from django.utils import translation
from wagtail.models import Page, Revision

from portal.demo.seed import seed_all
from portal.programme import selectors
from portal.programme.models import ContentPage, NewsPage, RoundPage
from tests.challenges import factories as cf

pytestmark = pytest.mark.django_db

NOV_26_2026 = dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC)


def test_demo_programme_is_complete_and_idempotent():
    seed_all()
    counts = (Page.objects.count(), Revision.objects.count(), NewsPage.objects.count())
    seed_all()
    assert (Page.objects.count(), Revision.objects.count(), NewsPage.objects.count()) == counts

    rounds = {r.fiscal_year: r for r in RoundPage.objects.live()}
    assert set(rounds) == {2017, 2018, 2026}
    codes = {y: {m.local_government.code for m in r.municipalities.all()} for y, r in rounds.items()}
    assert codes[2017] == {"262129", "431001", "372013", "014877"}
    assert codes[2018] == {"152021", "232114", "372013", "202037"}
    figures_2017 = rounds[2017].result_figures()  # reported: the tracker knows nothing of FY2017
    assert (figures_2017["applicants"], figures_2017["matches"]) == (17, 7)

    assert selectors.current_round(NOV_26_2026) == rounds[2026]
    assert rounds[2026].current_step_at(NOV_26_2026).kind == "applications"
    assert NewsPage.objects.live().count() == 5

    guides = {p.slug: p for p in ContentPage.objects.live()}
    assert {"about", "apply-startups", "apply-municipalities", "faq", "terms"} <= set(guides)
    faq = guides["faq"]
    assert [b.block_type for b in faq.body] == ["faq", "faq"]
    assert [b.block_type for b in faq.body_en] == ["faq", "faq"]
    assert "/privacy/" in faq.body[1].value["questions"][2]["answer"].source
    assert "/en/privacy/" in faq.body_en[1].value["questions"][2]["answer"].source
    with translation.override("en"):
        assert guides["apply-startups"].localized_title == "How to apply: startups"


def test_demo_attaches_existing_challenges_to_the_round_of_their_fiscal_year():
    challenge = cf.challenge(
        opens=dt.datetime(2026, 10, 15, tzinfo=dt.UTC), closes=dt.datetime(2026, 12, 25, 8, tzinfo=dt.UTC)
    )
    seed_all()
    challenge.refresh_from_db()
    assert challenge.round.fiscal_year == 2026
