"""In a real browser: ministry staff start a matching run in the admin, open a challenge's proposals, accept the best
one; the startup sees its application matched and the engagement on its page; the municipality sees both in the
admin."""

import pytest

from matching.models import MatchProposal, MatchRun, ReviewStatus
from portal.applications.models import ApplicationState
from portal.tracker.models import Engagement
from tests.browser.axe import AxeChecker
from tests.browser.login import log_in
from tests.matching.factories import World

# Wagtail's own sidebar is not ours to fix (as in test_accessibility.py)
ADMIN_EXCLUDE = ("#wagtail-sidebar",)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _context(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="ja-JP")
    context.set_default_timeout(15_000)
    return context


def test_ministry_runs_matching_and_accepts_a_proposal_both_sides_see_the_match(page, chromium, live_server):
    world = World()
    application = world.apply(world.snow_user, world.challenge_x)

    # 1. Ministry staff start a run from the admin.
    log_in(page, world.ministry_user.email)
    page.goto("/admin/matching/")
    page.locator("details.start-run summary").click()
    page.locator("#id_weight_text").fill("0.4")
    page.locator("#start-run-form button[type=submit]").click()
    page.wait_for_selector("#proposals")
    run = MatchRun.objects.get()
    assert run.status == MatchRun.Status.DONE and run.weights["text"] == 0.4
    assert page.locator("#run-status").inner_text() == "完了"  # Japanese, the admin's default language

    # 2. They open the challenge's ranked proposals: bars with values, shared words, the reason.
    page.locator("#proposals a", has_text=world.challenge_x.title).first.click()
    best = MatchProposal.objects.get(run=run, challenge=world.challenge_x, rank=1)
    card = page.locator(f"#proposal-{best.pk}")
    card.wait_for()
    assert world.snow.name in card.locator("h3").inner_text()
    assert card.locator(".match-bar__fill").count() == 6
    assert "除雪車" in card.inner_text()

    # 3. They accept it.
    card.locator(".accept-form textarea").fill("面談で合意")
    card.locator(".accept-form button[type=submit]").click()
    page.wait_for_load_state()
    best.refresh_from_db()
    assert best.review_status == ReviewStatus.ACCEPTED
    assert page.locator(f"#proposal-{best.pk} .badge--accepted").count() == 1
    engagement = Engagement.objects.get(challenge=world.challenge_x, startup=world.snow)
    application.refresh_from_db()
    assert application.state == ApplicationState.MATCHED

    # 4. The startup sees the match: its application's state, and the engagement on its page.
    startup_context = _context(chromium, live_server)
    startup_page = startup_context.new_page()
    log_in(startup_page, world.snow_user.email)
    startup_page.goto(f"/applications/{application.pk}/")
    assert startup_page.locator(".application-state").get_attribute("data-state") == "matched"
    startup_page.goto("/mypage/engagements/")
    assert world.challenge_x.title in startup_page.content() or str(world.muni_x) in startup_page.content()
    startup_page.goto(f"/mypage/engagements/{engagement.pk}/")
    assert world.snow.name in startup_page.content()
    startup_context.close()

    # 5. The municipality sees it in the admin: the application matched, the engagement in its list.
    muni_context = _context(chromium, live_server)
    muni_page = muni_context.new_page()
    log_in(muni_page, world.staff_x.email)
    muni_page.goto(f"/admin/applications/review/{application.pk}/")
    assert muni_page.locator("#application-state").inner_text() == "マッチング成立"
    muni_page.goto("/admin/tracker/")
    assert muni_page.locator(f"a[href='/admin/tracker/{engagement.pk}/']").count() == 1
    # and not the ministry's matching screens
    response = muni_page.goto(f"/admin/matching/runs/{run.pk}/")
    assert response.status == 403
    muni_context.close()


def _no_sideways_scroll(pg) -> None:
    widths = pg.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths


def test_review_screen_shows_the_reasons_on_desktop_and_phone_in_both_languages(page, live_server):
    from wagtail.users.models import UserProfile

    world = World()
    run = world.reasons_case()
    proposals = MatchProposal.objects.filter(run=run, challenge=world.challenge_x)
    best, alternate = proposals.get(assigned=True), proposals.get(alternate=1)
    conflicted = proposals.get(startup=world.other)
    profile = UserProfile.get_for_user(world.ministry_user)
    words = {
        "ja": (
            "課題の要件",
            "第1希望として応募",
            "自治体の評価: 推したい",
            "第1補欠",
            "応募しておらず",
            "利益相反",
        ),
        "en": (
            "the challenge asks for",
            "applied as first choice",
            "the municipality's grade: for",
            "first alternate",
            "did not apply",
            "conflict of interest",
        ),
    }
    log_in(page, world.ministry_user.email)
    axe = AxeChecker(page, exclude=ADMIN_EXCLUDE)
    for language in ("ja", "en"):
        profile.preferred_language = language
        profile.save()
        pairs_head, startup_side, municipality_side, alternate_label, why, conflict = words[language]
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"/admin/matching/runs/{run.pk}/challenges/{world.challenge_x.pk}/")
            card = page.locator(f"#proposal-{best.pk}")
            pairs = card.locator(f"#pairs-{best.pk}")
            assert pairs.is_visible() and pairs_head in pairs.inner_text()
            assert "除雪" in pairs.locator("dt").all_inner_texts()
            preferences = card.locator(f"#preferences-{best.pk}").inner_text()
            assert startup_side in preferences and municipality_side in preferences
            alternatives = card.locator(f"#alternatives-{best.pk}")
            assert alternatives.is_visible()
            text = alternatives.inner_text()
            assert world.lookalike.name in text and alternate_label in text and why in text
            top = page.locator("#alternates")
            assert top.is_visible() and world.lookalike.name in top.inner_text()
            badge = page.locator(f"#conflict-{conflicted.pk}")
            assert badge.is_visible() and conflict in badge.inner_text()
            # the score bars are kept as the secondary detail, folded away
            assert card.locator(f"#factors-{best.pk}").is_hidden()
            card.locator(".match-breakdown summary").click()
            assert card.locator(f"#factors-{best.pk}").is_visible()
            _no_sideways_scroll(page)
            assert alternate.startup.name in page.content()
            axe.check()
    axe.assert_clean()
