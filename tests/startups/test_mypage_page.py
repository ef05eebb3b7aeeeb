"""My page as the startup sees it (issue #20): a fixed number of queries at 10 and at 100 applications, with the
"action needed" items and the applications table written in Python keeping what the page showed — the labelled
cells of the phone layout, the state badges with the next step, the rank form — in both languages."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from portal.applications import services
from portal.applications.models import Application, ApplicationState
from tests.challenges import factories as challenge_factories

pytestmark = pytest.mark.django_db

# Caches off (the tests' default): session, user, memberships, permissions (2), second-factor devices (2), the
# organisation, "action needed" (one query for every source), unread notifications and messages, profile
# completeness, the applications, briefing sessions, notifications.
MYPAGE_MAX_QUERIES = 15

STATES = [
    ApplicationState.SUBMITTED,
    ApplicationState.MORE_INFO,
    ApplicationState.SHORTLISTED,
    ApplicationState.DRAFT,
    ApplicationState.MATCHED,
]


def _applications(world, n: int) -> None:
    """n applications of startup A in a mix of states, each to its own challenge; a fifth await more information
    (an "action needed" item each)."""
    now = timezone.now()
    challenges = [challenge_factories.challenge(municipality_org=world.muni_x) for _ in range(n)]
    Application.objects.bulk_create(
        Application(
            challenge=c,
            startup=world.startup_a,
            state=STATES[i % len(STATES)],
            submitted_at=None if STATES[i % len(STATES)] == ApplicationState.DRAFT else now,
            info_request="費用の内訳を教えてください"
            if STATES[i % len(STATES)] == ApplicationState.MORE_INFO
            else "",
        )
        for i, c in enumerate(challenges)
    )


def _get(client, url):
    client.get(url)  # warm what Wagtail keeps per process
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def test_my_page_reads_a_fixed_number_of_queries_at_10_and_100_applications(client, world):
    client.force_login(world.user_a)
    _applications(world, 10)
    html, small = _get(client, reverse("startups:mypage"))
    assert html.count('data-kind="application.reply"') == 2
    _applications(world, 90)
    html, large = _get(client, reverse("startups:mypage"))
    assert html.count('data-kind="application.reply"') == 20  # every item, from the one query
    assert len(large) == len(small), "\n".join(large)
    assert len(large) <= MYPAGE_MAX_QUERIES, "\n".join(large)
    assert len([sql for sql in large if "UNION" in sql]) == 1, "action needed: one query for all its sources"
    assert html.count("<tr data-application=") == 10  # My page lists the latest ten


def _row(html: str, application: Application) -> str:
    match = re.search(rf'<tr data-application="{application.pk}">(.*?)</tr>', html, re.S)
    assert match, application
    return match.group(1)


def test_the_table_keeps_its_cells_labels_badges_and_rank_form_in_both_languages(client, world):
    client.force_login(world.user_a)
    submitted = world.submitted()
    draft = world.draft(challenge=world.challenge_y)
    with translation.override("ja"):  # this folder's tests read English by default
        html = client.get(reverse("startups:mypage")).content.decode()
    row = _row(html, submitted)
    for label in ("自治体", "状態", "希望順位", "提出日時", "更新日時"):
        assert f'data-label="{label}"' in row  # the phone layout folds each row into labelled cells
    assert f'<a href="/applications/{submitted.pk}/">除雪の見える化</a>' in row
    assert 'data-state="submitted"' in row and "needs-action" not in row
    assert f'action="/applications/{submitted.pk}/preference/"' in row  # ranked from My page
    assert 'name="csrfmiddlewaretoken"' in row and 'name="next" value="/mypage/"' in row
    assert "「除雪の見える化」の希望順位" in row and "順位なし" in row and "第1希望" in row
    row = _row(html, draft)
    assert 'class="status application-state state-draft needs-action"' in row
    assert 'data-action-needed="draft"' in row and "提出日時" in row and ">—</td>" in row
    assert 'class="preference" data-preference=""' in row  # a draft cannot be ranked

    with translation.override("en"):
        html = client.get(reverse("startups:mypage")).content.decode()
    row = _row(html, submitted)
    for label in ("municipality", "state", "your preference", "submitted on", "updated"):
        assert f'data-label="{label}"' in row
    # no English title: the Japanese one, marked as such
    assert '<span lang="ja">除雪の見える化</span> <span class="badge badge-ja-only">' in row
    assert "Your preference for “除雪の見える化”" in row and "not ranked" in row and "1st choice" in row
    assert "Submit before the deadline" in _row(html, draft)


def test_the_page_follows_the_data(client, world):
    """Nothing on My page is kept between requests: a change shows at once."""
    client.force_login(world.user_a)
    application = world.submitted()
    html = client.get(reverse("startups:mypage")).content.decode()
    assert 'data-state="submitted"' in _row(html, application)
    assert 'data-kind="application.reply"' not in html
    services.application_request_more_info(application=application, actor=world.staff_x, message="内訳を")
    html = client.get(reverse("startups:mypage")).content.decode()
    assert 'data-state="more_info"' in _row(html, application)
    assert 'data-kind="application.reply"' in html and "内訳を" in html
