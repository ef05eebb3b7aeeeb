"""The matching screens in the admin: ministry staff only, start a run, review with bars, compare, fixed queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching import services
from matching.models import MatchProposal, MatchRun, ReviewStatus
from portal.accounts.models import Organisation
from portal.applications.models import ApplicationState
from portal.tracker.models import Engagement
from tests.matching.factories import World


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def run(world):
    world.apply(world.snow_user, world.challenge_x)
    created = services.match_run_create(actor=world.ministry_user)
    return services.match_run_execute(run=created)


def login(client, user):
    client.force_login(user)
    return client


def urls(run, world):
    proposal = MatchProposal.objects.filter(run=run).first()
    return [
        ("get", reverse("match_run:index"), {}),
        ("get", reverse("match_run:run", args=[run.pk]), {}),
        ("get", reverse("match_run:compare", args=[run.pk]) + f"?against={run.pk}", {}),
        ("get", reverse("match_run:challenge", args=[run.pk, world.challenge_x.pk]), {}),
        ("post", reverse("match_run:index"), {"top_k": 5, "default_capacity": 2}),
        ("post", reverse("match_run:proposal_accept", args=[proposal.pk]), {"reason": ""}),
        ("post", reverse("match_run:proposal_reject", args=[proposal.pk]), {"reason": "合わない"}),
    ]


def test_municipality_staff_get_403_everywhere(client, world, run):
    login(client, world.staff_x)
    for method, url, data in urls(run, world):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, url
    assert MatchRun.objects.count() == 1
    assert not MatchProposal.objects.exclude(review_status=ReviewStatus.PROPOSED).exists()


def test_startups_and_visitors_are_kept_out_of_the_admin(client, world, run):
    for user in (world.snow_user, None):
        client.logout()
        if user:
            login(client, user)
        for method, url, data in urls(run, world):
            response = getattr(client, method)(url, data)
            assert response.status_code in (302, 403), url
            if response.status_code == 302:
                assert "/admin/login/" in response["Location"]
    assert MatchRun.objects.count() == 1
    assert not MatchProposal.objects.exclude(review_status=ReviewStatus.PROPOSED).exists()


def test_menu_shows_matching_to_ministry_only(client, world):
    login(client, world.ministry_user)
    assert reverse("match_run:index") in client.get("/admin/").content.decode()
    client.logout()
    login(client, world.staff_x)
    assert reverse("match_run:index") not in client.get("/admin/").content.decode()


def test_unknown_objects_are_404(client, world, run):
    login(client, world.ministry_user)
    assert client.get(reverse("match_run:run", args=[run.pk + 100])).status_code == 404
    assert client.get(reverse("match_run:challenge", args=[run.pk, 999999])).status_code == 404
    assert client.get(reverse("match_run:compare", args=[run.pk]) + "?against=abc").status_code == 404


def test_ministry_starts_a_run_from_the_admin(client, world):
    login(client, world.ministry_user)
    page = client.get(reverse("match_run:index"))
    assert page.status_code == 200 and 'id="start-run-form"' in page.content.decode()
    data = {"top_k": 3, "default_capacity": 2, "travel_budget_yen": ""}
    data |= {f"weight_{n}": w for n, w in MatchRun().weights.items()} | {"weight_text": 0.6}
    response = client.post(reverse("match_run:index"), data)
    run = MatchRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("match_run:run", args=[run.pk])
    assert run.status == MatchRun.Status.DONE and run.weights["text"] == 0.6 and run.top_k == 3
    assert run.started_by == world.ministry_user
    detail = client.get(response["Location"]).content.decode()
    assert 'id="proposals"' in detail and world.challenge_x.title in detail


def test_bad_run_form_is_refused_in_the_users_language(client, world):
    login(client, world.ministry_user)
    data = {"top_k": 0, "default_capacity": 2} | {f"weight_{n}": 0 for n in MatchRun().weights}
    response = client.post(reverse("match_run:index"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "1 以上" in body  # Japanese is the admin's default language
    assert not MatchRun.objects.exists()


def test_challenge_page_shows_ranked_proposals_with_factor_bars(client, world, run):
    login(client, world.ministry_user)
    response = client.get(reverse("match_run:challenge", args=[run.pk, world.challenge_x.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    best = MatchProposal.objects.get(run=run, challenge=world.challenge_x, rank=1)
    assert best.startup == world.snow
    assert f'id="factors-{best.pk}"' in body
    text = best.factors["text"]
    # a bar as wide as the value, and the numbers in text beside it
    assert f"width: {round(text['value'] * 100, 1):.1f}%" in body
    assert f"{text['value']:.2f}" in body and f"{best.score:.3f}" in body
    assert "除雪車" in body and best.reason[:20] in body
    assert body.index(f'id="proposal-{best.pk}"') < body.index(
        f'id="proposal-{MatchProposal.objects.get(run=run, challenge=world.challenge_x, rank=2).pk}"'
    )


def test_reasons_are_written_in_both_languages_and_shown_in_the_readers(client, world, run):
    from wagtail.users.models import UserProfile

    best = MatchProposal.objects.get(run=run, challenge=world.challenge_x, rank=1)
    assert "相手先として提案する" in best.reason and "is proposed as the partner" in best.reason_en
    assert all(p.reason and p.reason_en for p in MatchProposal.objects.filter(run=run))
    login(client, world.ministry_user)
    url = reverse("match_run:challenge", args=[run.pk, world.challenge_x.pk])
    body = client.get(url).content.decode()
    assert best.reason[:20] in body and best.reason_en[:20] not in body
    UserProfile.get_for_user(world.ministry_user)
    UserProfile.objects.filter(user=world.ministry_user).update(preferred_language="en")
    body = client.get(url).content.decode()
    assert best.reason_en[:20] in body and best.reason[:20] not in body


def test_accept_and_reject_from_the_admin(client, world, run):
    login(client, world.ministry_user)
    url = reverse("match_run:challenge", args=[run.pk, world.challenge_x.pk])
    best = MatchProposal.objects.get(run=run, challenge=world.challenge_x, rank=1)
    second = MatchProposal.objects.get(run=run, challenge=world.challenge_x, rank=2)

    def accept(p):
        return reverse("match_run:proposal_accept", args=[p.pk])

    def reject(p):
        return reverse("match_run:proposal_reject", args=[p.pk])

    # reject without a reason: 400, the message in Japanese, nothing saved
    response = client.post(reject(second), {"reason": ""})
    assert response.status_code == 400 and 'id="review-error"' in response.content.decode()
    second.refresh_from_db()
    assert second.review_status == ReviewStatus.PROPOSED

    response = client.post(accept(best), {"reason": "面談済み"})
    assert response.status_code == 302 and response["Location"] == url
    best.refresh_from_db()
    assert best.review_status == ReviewStatus.ACCEPTED
    assert best.application.state == ApplicationState.MATCHED
    assert Engagement.objects.filter(challenge=world.challenge_x, startup=world.snow).exists()

    # the challenge has its one partner: accepting another is refused with the reason
    response = client.post(accept(second), {})
    assert response.status_code == 400
    assert "パートナー" in response.content.decode() or "partner" in response.content.decode()
    second.refresh_from_db()
    assert second.review_status == ReviewStatus.PROPOSED

    response = client.post(reject(second), {"reason": "枠が埋まった"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.review_status == ReviewStatus.REJECTED and second.review_reason == "枠が埋まった"

    # an unknown proposal is 404; the action views only take a POST
    response = client.post(reverse("match_run:proposal_reject", args=[second.pk + 10_000]), {"reason": "x"})
    assert response.status_code == 404
    other = MatchProposal.objects.filter(run=run, challenge=world.challenge_y).first()
    assert client.get(reject(other)).status_code == 405
    other.refresh_from_db()
    assert other.review_status == ReviewStatus.PROPOSED


def test_comparison_shows_what_changed_with_the_weights(client, world):
    world.apply(world.medical_user, world.challenge_x)  # a poor fit that applied
    first = services.match_run_execute(
        run=services.match_run_create(
            actor=world.ministry_user,
            weights={"text": 0, "themes": 0, "travel": 0, "track_record": 0, "stage": 0, "preference": 1},
        )
    )
    assert (
        MatchProposal.objects.get(run=first, challenge=world.challenge_x, assigned=True).startup
        == world.medical
    )
    # the second run drops the preference factor: the medical startup's application (a copy of a snow plan) no
    # longer lifts it, and the snow startup's profile and themes win
    second = services.match_run_execute(
        run=services.match_run_create(actor=world.ministry_user, weights={"preference": 0})
    )
    assert second.previous == first
    assert (
        MatchProposal.objects.get(run=second, challenge=world.challenge_x, assigned=True).startup
        == world.snow
    )

    login(client, world.ministry_user)
    detail = client.get(reverse("match_run:run", args=[second.pk])).content.decode()
    assert 'id="changes"' in detail
    response = client.get(reverse("match_run:compare", args=[second.pk]))
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert ("text", 0.0, 0.60) in comparison.weights and ("preference", 1.0, 0.0) in comparison.weights
    new = [(m.challenge_id, m.startup_id) for m in comparison.new_assigned]
    # challenge y had no applicant, so nobody scored above 0 there with 'preference' alone
    assert new == [(world.challenge_x.pk, world.snow.pk), (world.challenge_y.pk, world.medical.pk)]
    assert (world.challenge_x.pk, world.medical.pk) in [
        (m.challenge_id, m.startup_id) for m in comparison.dropped_assigned
    ]
    moved = {(m.challenge_id, m.startup_id): (m.before, m.after) for m in comparison.rank_moves}
    assert moved[(world.challenge_x.pk, world.snow.pk)][1] == 1
    body = response.content.decode()
    assert world.snow.name in body[body.index('id="new-assigned"') : body.index('id="dropped-assigned"')]


def _run_with_proposals(world, n: int) -> MatchRun:
    """A finished run with n proposals over two challenges (rows written directly: the list is what is measured)."""
    run = MatchRun.objects.create(status=MatchRun.Status.DONE, progress=100, started_by=world.ministry_user)
    startups = Organisation.objects.bulk_create(
        Organisation(kind=Organisation.Kind.STARTUP, name=f"株式会社{i}", slug=f"bulk-{n}-{i}")
        for i in range(n)
    )
    factors = {name: {"value": 0.5, "weight": w, "contribution": 0.5 * w} for name, w in run.weights.items()}
    MatchProposal.objects.bulk_create(
        MatchProposal(
            run=run,
            challenge=world.challenge_x if i % 2 else world.challenge_y,
            startup=s,
            score=0.5,
            rank=i // 2 + 1,
            assigned=i < 2,
            travel_cost_yen=10_000,
            factors=factors,
            keywords=["除雪"],
            reason="理由",
            reviewed_by=world.ministry_user if i == 3 else None,
            review_status=ReviewStatus.REJECTED if i == 3 else ReviewStatus.PROPOSED,
            review_reason="x" if i == 3 else "",
        )
        for i, s in enumerate(startups)
    )
    return run


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_lists_keep_a_fixed_number_of_queries(client, world):
    login(client, world.ministry_user)
    small, large = _run_with_proposals(world, 10), _run_with_proposals(world, 100)
    for name, args in (("run", []), ("challenge", [world.challenge_x.pk])):
        few = _queries(client, reverse(f"match_run:{name}", args=[small.pk, *args]))
        many = _queries(client, reverse(f"match_run:{name}", args=[large.pk, *args]))
        assert few == many, name
    assert _queries(client, reverse("match_run:index")) == _queries(
        client, reverse("match_run:index") + "?status=done"
    )
    for _i in range(20):
        MatchRun.objects.create(status=MatchRun.Status.FAILED, error="x")
    before = _queries(client, reverse("match_run:index") + "?status=done")
    after = _queries(client, reverse("match_run:index"))
    assert before == after


REVIEW_PAGE_QUERY_CEILING = 18


def test_review_page_reads_one_page_of_proposals_at_10_and_100(client, world):
    """Issue #20: a run's review page costs the same queries at 10 and 100 proposals, on any page, filtered or not,
    and through the results view the filters refresh; it shows one page (50) of them."""
    login(client, world.ministry_user)
    small, large = _run_with_proposals(world, 10), _run_with_proposals(world, 100)
    municipality = world.challenge_x.municipality_id
    for query in ("", "?page=2", "?review_status=proposed&assigned=true", f"?municipality={municipality}"):
        for name in ("run", "run_results"):
            counts = []
            for run in (small, large):
                url = reverse(f"match_run:{name}", args=[run.pk]) + query
                _queries(client, url)  # warm the session
                counts.append(_queries(client, url))
            assert counts[0] == counts[1] <= REVIEW_PAGE_QUERY_CEILING, (name, query, counts)
    first = client.get(reverse("match_run:run", args=[large.pk]))
    second = client.get(reverse("match_run:run", args=[large.pk]) + "?page=2")
    rows = [list(r.context["page_obj"].object_list) for r in (first, second)]
    assert [len(r) for r in rows] == [50, 50] and not {p.pk for p in rows[0]} & {p.pk for p in rows[1]}
    body = first.content.decode()
    assert 'id="proposals"' in body and rows[0][0].startup.name in body
    # the municipality filter offers the run's municipalities only
    assert f'<option value="{municipality}"' in body
    offered = {v for v, _label in first.context["filters"].form.fields["municipality"].choices if v}
    assert offered == {str(world.challenge_x.municipality_id), str(world.challenge_y.municipality_id)}


def test_run_page_shows_progress_while_running_and_the_error_when_failed(client, world):
    login(client, world.ministry_user)
    queued = services.match_run_create(actor=world.ministry_user)
    body = client.get(reverse("match_run:run", args=[queued.pk])).content.decode()
    assert 'aria-valuenow="0"' in body and "js/auto-reload.js" in body and 'id="proposals"' not in body
    MatchRun.objects.filter(pk=queued.pk).update(status=MatchRun.Status.FAILED, error="startups[0]: bad code")
    body = client.get(reverse("match_run:run", args=[queued.pk])).content.decode()
    assert 'id="run-error"' in body and "startups[0]: bad code" in body and "js/auto-reload.js" not in body
    # a run without a previous one has nothing to compare with
    assert client.get(reverse("match_run:compare", args=[queued.pk])).status_code == 404


# --------------------------------------------------------------------------------------------- reasons on the screen


@pytest.fixture
def reasons_run(world):
    return world.reasons_case()


def _cases(run, world):
    """challenge x's assigned startup, its first alternate and the startup with a declared conflict."""
    proposals = MatchProposal.objects.filter(run=run, challenge=world.challenge_x)
    best = proposals.get(assigned=True)
    alternate = proposals.get(alternate=1)
    conflicted = proposals.get(startup=world.other)
    assert best.startup == world.snow and alternate.startup == world.lookalike
    assert conflicted.explanation["conflict"]["reason"]
    return best, alternate, conflicted


def test_review_screen_shows_the_reasons_facts_in_japanese(client, world, reasons_run):
    run = reasons_run
    best, second, third = _cases(run, world)
    login(client, world.ministry_user)
    body = client.get(reverse("match_run:challenge", args=[run.pk, world.challenge_x.pk])).content.decode()
    card = body[body.index(f'id="proposal-{best.pk}"') : body.index(f'id="proposal-{second.pk}"')]
    # requirement ↔ capability pairs as a two-column list
    pairs = card[card.index(f'id="pairs-{best.pk}"') :]
    assert "課題の要件" in pairs and "同社の技術・サービス" in pairs and "<dt>除雪" in pairs
    # both sides' preferences
    preferences = card[card.index(f'id="preferences-{best.pk}"') :]
    assert "第1希望として応募" in preferences and "自治体の評価: 推したい（選考通過）" in preferences
    # the alternatives considered, named, with why each ranked lower
    alternatives = card[card.index(f'id="alternatives-{best.pk}"') :]
    assert second.startup.name in alternatives and "第1補欠" in alternatives
    assert "応募しておらず、同テーマの実績がない" in alternatives
    assert world.medical.name in alternatives and "要件との一致が弱く" in alternatives
    assert world.other.name in alternatives and "利益相反の申告がある" in alternatives
    # the track record entry behind the choice, with its fiscal year
    assert "令和6年度 高松市「除雪車GPSの実証実験」（実証実験、除雪）" in card
    # the challenge's alternates at the top
    top = body[body.index('id="alternates"') : body.index(f'id="proposal-{best.pk}"')]
    assert "第1補欠" in top and second.startup.name in top and "応募しておらず" in top
    # the conflict badge with its reason (the declaration's number: who declared it and why stay with it)
    conflict = body[body.index(f'id="conflict-{third.pk}"') :][:600]
    assert "利益相反" in conflict and "利益相反の申告 #" in conflict
    # the bars are still there, as the secondary detail
    assert f'id="factors-{best.pk}"' in card and "スコアの内訳" in card


def test_review_screen_shows_the_reasons_facts_in_english(client, world, reasons_run):
    from wagtail.users.models import UserProfile

    run = reasons_run
    best, second, third = _cases(run, world)
    UserProfile.get_for_user(world.ministry_user)
    UserProfile.objects.filter(user=world.ministry_user).update(preferred_language="en")
    login(client, world.ministry_user)
    body = client.get(reverse("match_run:challenge", args=[run.pk, world.challenge_x.pk])).content.decode()
    card = body[body.index(f'id="proposal-{best.pk}"') : body.index(f'id="proposal-{second.pk}"')]
    assert "the challenge asks for" in card and "the startup offers" in card and "<dt>除雪" in card
    assert "applied as first choice" in card and "the municipality&#x27;s grade: for (shortlisted)" in card
    assert "first alternate" in card and "did not apply and no track record in these themes" in card
    assert "FY2024, 高松市: “除雪車GPSの実証実験” (proof of concept; 除雪)" in card
    assert "Alternates" in body and "Score breakdown" in card
    conflict = body[body.index(f'id="conflict-{third.pk}"') :][:600]
    assert "conflict of interest" in conflict and "利益相反の申告 #" in conflict
    assert "is proposed as the partner" in card  # the filed reason, in English


def test_accepted_proposal_links_its_sheet_on_the_review_screen(client, world, run):
    best = MatchProposal.objects.get(run=run, challenge=world.challenge_x, rank=1)
    login(client, world.ministry_user)
    url = reverse("match_run:challenge", args=[run.pk, world.challenge_x.pk])
    assert f'id="sheet-{best.pk}"' not in client.get(url).content.decode()
    services.proposal_accept(proposal=best, actor=world.ministry_user, reason="面談で合意")
    body = client.get(url).content.decode()
    assert reverse("reports:proposal_sheet", args=[best.pk]) in body
