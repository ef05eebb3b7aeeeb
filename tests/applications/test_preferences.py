"""The startup's ranking of its applications (第1–第3希望): who may rank, swaps, the deadline, and where it shows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.applications import services
from portal.applications.models import Application
from portal.applications.services import ApplicationRefused
from portal.core.models import AuditEvent
from tests.challenges import factories as challenge_factories


def _three(world):
    """Three submitted applications of startup A in the same round."""
    c2 = challenge_factories.challenge(municipality_org=world.muni_y, title="遠隔健診")
    c3 = challenge_factories.challenge(municipality_org=world.muni_x, title="観光案内")
    return world.submitted(), world.submitted(challenge=c2), world.submitted(challenge=c3)


def _ranks(*applications):
    return [Application.objects.get(pk=a.pk).preference for a in applications]


def test_a_member_ranks_applications_and_the_rank_is_audited(world):
    first, second, third = _three(world)
    services.application_set_preference(application=first, rank=1, by=world.user_a)
    services.application_set_preference(application=second, rank=2, by=world.user_a)
    assert _ranks(first, second, third) == [1, 2, None]
    event = AuditEvent.objects.filter(action="application.preference", object_id=str(second.pk)).get()
    assert event.data["rank"] == 2 and event.actor == world.user_a


def test_taking_a_held_rank_swaps_the_two_applications(world):
    first, second, third = _three(world)
    services.application_set_preference(application=first, rank=1, by=world.user_a)
    services.application_set_preference(application=second, rank=2, by=world.user_a)
    services.application_set_preference(application=second, rank=1, by=world.user_a)
    assert _ranks(first, second, third) == [2, 1, None]
    # An unranked application taking a rank leaves the one that held it unranked.
    services.application_set_preference(application=third, rank=1, by=world.user_a)
    assert _ranks(first, second, third) == [2, None, 1]
    event = AuditEvent.objects.filter(action="application.preference", object_id=str(third.pk)).get()
    assert event.data["swapped_with"] == second.pk


def test_unranking_and_out_of_range_ranks(world):
    first, *_rest = _three(world)
    services.application_set_preference(application=first, rank=3, by=world.user_a)
    services.application_set_preference(application=first, rank=None, by=world.user_a)
    assert _ranks(first) == [None]
    with pytest.raises(Exception, match="1st, 2nd or 3rd"):
        services.application_set_preference(application=first, rank=4, by=world.user_a)


def test_another_startup_a_municipality_and_a_draft_are_refused(world):
    application = world.submitted()
    for outsider in (world.user_b, world.staff_x, world.ministry_user):
        with pytest.raises(ApplicationRefused, match="Only members of the startup"):
            services.application_set_preference(application=application, rank=1, by=outsider)
    draft = world.draft(challenge=world.challenge_y)
    with pytest.raises(ApplicationRefused, match="submitted application"):
        services.application_set_preference(application=draft, rank=1, by=world.user_a)
    assert _ranks(application, draft) == [None, None]


def test_after_the_deadline_the_rank_is_read_only_and_a_swap_with_it_is_refused(world):
    first, second, _third = _three(world)
    services.application_set_preference(application=first, rank=1, by=world.user_a)
    later = first.challenge.application_closes + dt.timedelta(minutes=1)
    with pytest.raises(ApplicationRefused, match="deadline"):
        services.application_set_preference(application=first, rank=2, by=world.user_a, now=later)
    # The first challenge closes; the second is still open but cannot take the closed application's rank.
    type(first.challenge).objects.filter(pk=first.challenge_id).update(
        application_closes=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(ApplicationRefused, match="can no longer be changed"):
        services.application_set_preference(application=second, rank=1, by=world.user_a)
    assert _ranks(first, second) == [1, None]


def test_ranks_are_per_round(world):
    now = timezone.now()
    next_year = challenge_factories.challenge(
        municipality_org=world.muni_y, opens=now - dt.timedelta(days=1), closes=now + dt.timedelta(days=400)
    )
    this_year = world.submitted()
    other_round = world.submitted(challenge=next_year)
    services.application_set_preference(application=this_year, rank=1, by=world.user_a)
    services.application_set_preference(application=other_round, rank=1, by=world.user_a)
    assert _ranks(this_year, other_round) == [1, 1]
    assert (
        Application.objects.get(pk=this_year.pk).preference_year
        != Application.objects.get(pk=other_round.pk).preference_year
    )


def test_withdrawing_frees_the_rank(world):
    first, second, _third = _three(world)
    services.application_set_preference(application=first, rank=1, by=world.user_a)
    services.application_withdraw(application=first, actor=world.user_a)
    services.application_set_preference(application=second, rank=1, by=world.user_a)
    assert _ranks(first, second) == [None, 1]


def test_my_page_ranks_with_the_form_and_shows_japanese_labels(client, world):
    first, second, _third = _three(world)
    client.force_login(world.user_a)
    response = client.post(
        reverse("applications:preference", args=[first.pk]), {"rank": "1", "next": "/mypage/"}
    )
    assert response.status_code == 302 and response["Location"] == "/mypage/"
    assert _ranks(first) == [1]
    page = client.get("/mypage/").content.decode()  # Japanese pages have no prefix
    assert f'id="rank-{first.pk}"' in page and "第1希望" in page
    assert 'name="csrfmiddlewaretoken"' in page[page.find("preference-form") :]
    detail = client.get(f"/applications/{first.pk}/").content.decode()
    assert 'id="preference"' in detail and "第1希望" in detail


def test_after_the_deadline_my_page_shows_the_rank_without_a_form(client, world):
    application = world.submitted()
    services.application_set_preference(application=application, rank=2, by=world.user_a)
    type(application.challenge).objects.filter(pk=application.challenge_id).update(
        application_closes=timezone.now() - dt.timedelta(seconds=1)
    )
    client.force_login(world.user_a)
    page = client.get("/en/applications/").content.decode()
    assert f'id="rank-{application.pk}"' not in page and "2nd choice" in page
    response = client.post(
        reverse("applications:preference", args=[application.pk]), {"rank": "1"}, follow=True
    )
    assert "deadline" in response.content.decode()
    assert _ranks(application) == [2]


def test_another_startup_posting_a_rank_gets_404(client, world):
    application = world.submitted()
    client.force_login(world.user_b)
    assert (
        client.post(reverse("applications:preference", args=[application.pk]), {"rank": "1"}).status_code
        == 404
    )
    assert _ranks(application) == [None]


def test_the_municipality_sees_the_rank_in_its_review_list_and_screen(client, world):
    application = world.submitted()
    services.application_set_preference(application=application, rank=1, by=world.user_a)
    client.force_login(world.staff_x)
    listing = client.get("/admin/application/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "第1希望" in listing
    review = client.get(reverse("applications_review", args=[application.pk])).content.decode()
    assert 'id="application-preference"' in review and "第1希望" in review


def test_a_decided_application_gives_its_rank_up(world):
    first, second, _third = _three(world)
    services.application_set_preference(application=first, rank=1, by=world.user_a)
    services.application_set_preference(application=second, rank=2, by=world.user_a)
    services.application_decline(application=first, actor=world.staff_x, reason="今回は見送ります")
    services.application_set_preference(application=second, rank=1, by=world.user_a)
    assert _ranks(first, second) == [None, 1]
