"""The municipal review in the Wagtail admin: scoring on the rubric, decisions, filters, and a fixed query count."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from portal.accounts.models import Organisation
from portal.applications import services
from portal.applications.models import ApplicationState, RubricCriterion
from portal.core.models import Notification
from tests import factories

from .factories import PROPOSAL


def test_reviewer_scores_and_shortlists(client, world):
    application = world.submitted()
    client.force_login(world.staff_x)
    page = client.get(reverse("applications_review", args=[application.pk]))
    assert page.status_code == 200
    assert PROPOSAL["approach"] in page.content.decode()
    data = {"score": "1", "review-comment": "現場をよく理解している"}
    for criterion in RubricCriterion.objects.all():
        data[f"review-score_{criterion.pk}"] = "4"
    response = client.post(reverse("applications_review", args=[application.pk]), data, follow=True)
    assert response.status_code == 200
    review = application.reviews.get()
    assert review.reviewer == world.staff_x and str(review.weighted_total) == "4.00"
    response = client.post(
        reverse("applications_review", args=[application.pk]),
        {"decide": "1", "decision-action": "shortlist", "decision-reason": "実証をお願いしたい"},
        follow=True,
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.SHORTLISTED
    assert application.decision_reason == "実証をお願いしたい"
    assert Notification.objects.filter(recipient=world.user_a, kind="application.shortlisted").exists()


def test_decline_without_a_reason_is_refused_in_the_form(client, world):
    application = world.submitted()
    client.force_login(world.staff_x)
    response = client.post(
        reverse("applications_review", args=[application.pk]),
        {"decide": "1", "decision-action": "decline", "decision-reason": ""},
    )
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_another_municipality_cannot_score_or_decide(client, world):
    application = world.submitted()
    client.force_login(world.staff_y)
    response = client.post(
        reverse("applications_review", args=[application.pk]),
        {"decide": "1", "decision-action": "shortlist", "decision-reason": ""},
    )
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_review_list_filters_by_state_and_challenge(client, world):
    shortlisted = world.submitted()
    services.application_shortlist(application=shortlisted, actor=world.staff_x)
    other = world.submitted(user=world.user_b)
    client.force_login(world.staff_x)
    index = reverse("application:index")
    body = client.get(index, {"state": "shortlisted"}).content.decode()
    assert "株式会社エー" in body and "株式会社ビー" not in body
    body = client.get(index, {"challenge": world.challenge_x.pk}).content.decode()
    assert "株式会社エー" in body and "株式会社ビー" in body
    assert other.pk


def _many_applications(world, n: int):
    for i in range(n):
        org = factories.organisation(Organisation.Kind.STARTUP, name=f"応募社{i}", slug=f"bulk-{n}-{i}")
        user = factories.member(org)
        world.submitted(user=user)


def test_admin_review_list_keeps_the_same_number_of_queries_for_10_and_100_rows(client, world, monkeypatch):
    from portal.applications.admin_views import ApplicationIndexView

    monkeypatch.setattr(ApplicationIndexView, "get_paginate_by", lambda self, queryset: 100)
    client.force_login(world.staff_x)

    def count(rows):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("application:index"))
        assert response.status_code == 200
        assert len(response.context["object_list"]) == rows
        return len(ctx.captured_queries)

    _many_applications(world, 10)
    small = count(10)
    _many_applications(world, 90)
    assert count(100) == small


def test_my_applications_keeps_the_same_number_of_queries_for_10_and_100_rows(client, world, monkeypatch):
    from portal.applications.views import common
    from tests.challenges import factories as challenge_factories

    monkeypatch.setattr(common, "PAGE_SIZE", 100)
    client.force_login(world.user_a)

    def count(rows):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("applications:mine"))
        assert response.status_code == 200 and len(response.context["applications"]) == rows
        return len(ctx.captured_queries)

    def apply_to(n):
        for _ in range(n):
            world.submitted(challenge=challenge_factories.challenge(municipality_org=world.muni_x))

    apply_to(10)
    small = count(10)
    apply_to(90)
    assert count(100) == small


def test_rubric_explains_each_criterion_in_the_reviewers_language(client, world):
    """QA pass: the default rubric had English descriptions only, shown under each score in the Japanese admin."""
    application = world.submitted()
    client.force_login(world.staff_x)
    html = client.get(reverse("applications_review", args=[application.pk])).content.decode()
    assert "職員が日々向き合っている自治体の課題を、提案は理解しているか。" in html
    assert "Does the proposal show it understands" not in html
    understanding = RubricCriterion.objects.get(key="understanding")
    with translation.override("en"):
        assert understanding.localized_description.startswith("Does the proposal show it understands")


def test_review_list_and_its_export_with_answers_keep_the_same_number_of_queries_for_10_and_100_rows(
    client, world, monkeypatch
):
    """Issue #23: every application answers the challenge's own questions (text, number, choice, a file); the list
    and its CSV export (which prints the answers) still cost the same for 10 rows as for 100."""
    from portal.applications.admin_views import ApplicationIndexView
    from tests.applications.test_questions import GOOD_ANSWERS, Q_FILE, with_questions

    from .factories import pdf_upload

    monkeypatch.setattr(ApplicationIndexView, "get_paginate_by", lambda self, queryset: 100)
    challenge = with_questions(world.challenge_x)
    client.force_login(world.staff_x)

    def answered_applications(n: int, start: int):
        for i in range(start, start + n):
            org = factories.organisation(Organisation.Kind.STARTUP, name=f"回答社{i}", slug=f"answers-{i}")
            user = factories.member(org)
            application = services.application_start(
                challenge=challenge, actor=user, answers=GOOD_ANSWERS, **PROPOSAL
            )
            services.answer_file_set(
                application=application, actor=user, question_id=Q_FILE, uploaded=pdf_upload(f"案内{i}.pdf")
            )
            services.application_submit(application=application, actor=user)

    def count(rows, **params):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("application:index"), params)
            body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200
        if params:  # the export: a heading and a line per row (answers span lines inside their quoted cell)
            assert body.decode("utf-8-sig").count("情報政策課長") == rows
            assert "案内0.pdf" in body.decode("utf-8-sig")
        else:
            assert len(response.context["object_list"]) == rows
        return len(ctx.captured_queries)

    answered_applications(10, 0)
    small, small_export = count(10), count(10, export="csv")
    answered_applications(90, 10)
    assert count(100) == small
    assert count(100, export="csv") == small_export
