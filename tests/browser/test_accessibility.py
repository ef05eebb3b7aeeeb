"""axe-core (WCAG 2.x A/AA rules) on the main pages of each journey: no serious or critical violation.

One test per journey, each visiting several pages in one browser, so that a failure lists every page's problems.
The Wagtail admin's own chrome (its sidebar and page header) is Wagtail's: on our admin screens only our content is
checked (see ADMIN_EXCLUDE)."""

import pytest

from matching import services as matching_services
from matching.models import MatchProposal
from portal.core.calendar import current_fiscal_year
from portal.programme.models import NewsPage
from portal.tracker.models import Engagement
from tests.browser.axe import AxeChecker
from tests.browser.demo import demo_programme_open_today
from tests.browser.login import log_in
from tests.matching.factories import World
from tests.tracker import factories as tf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Wagtail's own markup around our admin views: its sidebar and the slim header it renders above our content.
ADMIN_EXCLUDE = ("#wagtail-sidebar",)


@pytest.fixture
def world():
    """Startups, two municipalities with a challenge each, an application matched by a run, a trip."""
    w = World()
    w.application = w.apply(w.snow_user, w.challenge_x)
    w.run = matching_services.match_run_execute(run=matching_services.match_run_create(actor=w.ministry_user))
    w.proposal = MatchProposal.objects.get(run=w.run, challenge=w.challenge_x, rank=1)
    matching_services.proposal_accept(proposal=w.proposal, actor=w.ministry_user, reason="面談で合意")
    w.engagement = Engagement.objects.get(challenge=w.challenge_x)
    tf.budget(1_000_000, actor=w.ministry_user)
    w.trip = tf.travel_request(w.engagement, w.snow_user)
    return w


@pytest.fixture
def programme(world):
    """The demo rounds, guides and news; the current round open today."""
    return demo_programme_open_today(world.muni_x)


def test_public_pages_have_no_serious_accessibility_violations(page, world, programme):
    axe = AxeChecker(page)
    news = NewsPage.objects.live().first()
    guide = next(iter(programme.guides.values()))
    for url in [
        "/",
        "/en/",
        "/challenges/",
        "/challenges/?theme=snow-removal&status=open",
        world.challenge_x.url,
        f"/en{world.challenge_x.url}",
        "/search/?q=除雪",
        "/results/",
        news.get_parent().url,
        news.url,
        programme.rounds[2026].url,
        guide.url,
        "/startups/",
        f"/startups/{world.snow.slug}/",
        "/accounts/login/",
        "/accounts/register/",
        "/en/accounts/register/",
        "/privacy/",
    ]:
        axe.check(url)
    # The sign-up form as a visitor sees it after a mistake: the error summary and the fields' messages.
    page.goto("/accounts/register/")
    page.locator("form[novalidate], form").last.evaluate("(f) => { f.noValidate = true; }")
    page.get_by_role("button", name="アカウントを作成").click()
    page.wait_for_load_state()
    assert page.locator(".errorlist").count() > 0
    axe.check()
    axe.assert_clean()


def test_startup_pages_have_no_serious_accessibility_violations(page, world):
    log_in(page, world.snow_user.email)
    axe = AxeChecker(page)
    for url in [
        "/mypage/",
        "/mypage/profile/",
        "/applications/",
        f"/applications/{world.application.pk}/",
        "/mypage/notifications/",
        "/mypage/engagements/",
        f"/mypage/engagements/{world.engagement.pk}/",
        "/mypage/trips/",
        f"/mypage/trips/new/{world.engagement.pk}/",
        f"/mypage/trips/{world.trip.pk}/",
    ]:
        axe.check(url)
    # The application form, then with a field's error shown (a negative cost).
    page.goto(f"/applications/new/{world.challenge_y.pk}/")
    axe.check()
    page.locator("#id_cost_estimate_yen").fill("-1")
    page.locator("#save-draft").click()
    page.wait_for_load_state()
    assert page.locator(".errorlist").count() > 0
    axe.check()
    axe.assert_clean()


def _municipality_screens(w, fy):
    return [
        f"/admin/applications/review/{w.application.pk}/",
        "/admin/conflicts/",
        "/admin/tracker/",
        f"/admin/tracker/{w.engagement.pk}/",
    ]


def _ministry_matching_screens(w, fy):
    return [
        "/admin/matching/",
        f"/admin/matching/runs/{w.run.pk}/",
        f"/admin/matching/runs/{w.run.pk}/challenges/{w.challenge_x.pk}/",
    ]


def _ministry_travel_screens(w, fy):
    return [
        "/admin/tracker/travel/",
        f"/admin/tracker/travel/{w.trip.pk}/",
        "/admin/tracker/budgets/",
        f"/admin/tracker/budgets/{fy}/ledger/",
    ]


def _ministry_tracker_screens(w, fy):
    return [
        f"/admin/tracker/dashboard/?fy={fy}",
        "/admin/tracker/adoptions/",
        "/admin/tracker/new/",
        "/admin/reports/",
    ]


# One test per group of screens (not one for all of them), so that the two test workers share the work.
@pytest.mark.parametrize(
    ("who", "screens"),
    [
        ("staff_x", _municipality_screens),
        ("ministry_user", _ministry_matching_screens),
        ("ministry_user", _ministry_travel_screens),
        ("ministry_user", _ministry_tracker_screens),
    ],
    ids=["municipality", "ministry-matching", "ministry-travel", "ministry-tracker"],
)
def test_municipality_and_ministry_screens_have_no_serious_accessibility_violations(
    page, world, who, screens
):
    log_in(page, getattr(world, who).email)
    axe = AxeChecker(page, exclude=ADMIN_EXCLUDE)
    for url in screens(world, current_fiscal_year()):
        axe.check(url)
    axe.assert_clean()
