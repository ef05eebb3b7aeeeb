"""The admin home's panels (issue 20): Wagtail's two moderation panels are left out only while nothing is in a
workflow (they would render nothing), and come back for the moderator as soon as a challenge is submitted; staff
get no site summary (the sidebar links the same listings; the work queue says what waits)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.challenges import factories as cf

pytestmark = pytest.mark.django_db

AWAITING_REVIEW = 'id="awaiting-review-section"'  # Wagtail's "Awaiting your review" panel
IN_A_WORKFLOW = 'id="objects-in-workflow-section"'  # Wagtail's "Your pages and snippets in a workflow"
SUMMARY = 'class="w-summary"'


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return response.content.decode()


def test_moderation_panels_appear_when_a_challenge_is_submitted_and_go_when_it_is_approved(client):
    takamatsu = cf.municipality("372013", "高松市")
    author = cf.staff(takamatsu, email="kanko@city.takamatsu.example.jp")
    moderator = cf.staff(cf.ministry(), email="moderator@soumu.example.jp")
    page = cf.challenge(municipality_org=takamatsu, publish=False, title="除雪車の位置情報を共有したい")

    for user in (author, moderator):
        html = _home(client, user)
        assert AWAITING_REVIEW not in html and IN_A_WORKFLOW not in html

    page.get_workflow().start(page, author)  # submitted for moderation, as "Submit" in the editor does

    html = _home(client, moderator)
    assert AWAITING_REVIEW in html and "除雪車の位置情報を共有したい" in html
    html = _home(client, author)
    assert AWAITING_REVIEW not in html  # the ministry moderates, not the author
    assert IN_A_WORKFLOW in html and "除雪車の位置情報を共有したい" in html

    task_state = page.current_workflow_task_state
    client.force_login(moderator)
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk)),
        {"comment": ""},
    )
    assert response.status_code in (200, 302)
    for user in (author, moderator):
        html = _home(client, user)
        assert AWAITING_REVIEW not in html and IN_A_WORKFLOW not in html


def test_staff_get_no_site_summary_but_keep_the_listings_in_the_sidebar(client):
    takamatsu = cf.municipality("372013", "高松市")
    for user in (cf.staff(takamatsu), cf.staff(cf.ministry())):
        html = _home(client, user)
        assert SUMMARY not in html
        assert "work-queue-section" in html
        assert reverse("wagtailimages:index") in html and reverse("wagtaildocs:index") in html
