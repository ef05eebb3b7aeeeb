"""A first-time visitor: home page → current round → an open challenge, and the how-to-apply page, in both languages."""

import re

import pytest

from tests.browser.demo import demo_programme_open_today
from tests.challenges import factories as cf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def programme():
    takamatsu = cf.municipality("372013", "高松市")
    current = demo_programme_open_today(takamatsu).rounds[2026]
    challenge = cf.challenge(
        title="レンタサイクルの利用データを観光に生かしたい", municipality_org=takamatsu, round=current
    )
    return current, challenge


def test_first_time_visitor_finds_the_round_a_challenge_and_how_to_apply(page, programme):
    current, challenge = programme

    # Japanese (the default language at /)
    page.goto("/")
    assert page.locator("h1").first.inner_text() == "StartupXAct"
    assert page.locator("#open-challenges .number").inner_text() == "1"
    page.locator("#current-round").get_by_role("link", name="令和8年度 StartupXAct").click()
    page.wait_for_url("**/rounds/fy2026/")
    assert page.locator("h1").inner_text() == current.title
    assert page.locator('[aria-current="step"]').count() == 1
    page.get_by_role("link", name=challenge.title).click()
    page.wait_for_url(f"**/challenges/{challenge.slug}/")
    assert page.locator("h1").inner_text() == challenge.title
    page.goto("/")
    page.get_by_role("link", name="応募の手順（スタートアップの方へ）").first.click()
    page.wait_for_url("**/apply-startups/")
    assert page.locator("h1").inner_text() == "応募の手順（スタートアップの方へ）"
    assert page.locator(".step-list li").count() == 4

    # English, through the language switch
    page.goto("/")
    page.get_by_role("button", name="English").click()
    page.wait_for_url(re.compile(r".*/en/$"))
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator("#current-round").get_by_role("link", name="StartupXAct 2026").click()
    page.wait_for_url("**/en/rounds/fy2026/")
    assert page.locator("h1").inner_text() == "StartupXAct 2026"
    assert "application window (startups)" in page.locator('[aria-current="step"]').inner_text()
    page.get_by_role("link", name=challenge.title).click()
    page.wait_for_url(f"**/en/challenges/{challenge.slug}/")
    assert (
        page.locator("h1 [lang=ja]").inner_text() == challenge.title
    )  # no English title: marked Japanese only
    assert page.locator("h1 .badge-ja-only").is_visible()
    page.goto("/en/")
    page.get_by_role("link", name="How to apply: startups").first.click()
    page.wait_for_url("**/en/apply-startups/")
    assert page.locator("h1").inner_text() == "How to apply: startups"
    faq_link = page.locator("a", has_text="Register your company").first
    assert faq_link.get_attribute("href").startswith("/en/")
