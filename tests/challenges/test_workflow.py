"""Writing and moderation in the Wagtail admin: municipality staff submit, the ministry approves or rejects."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.models import TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from portal.challenges.models import ChallengePage
from portal.core.models import AuditEvent, Theme
from tests.challenges import factories as cf

pytestmark = pytest.mark.django_db


def _form(title="観光客の回遊データを商店街と共有したい", slug="kanko-kaiyu", **overrides):
    data = {
        "title": title,
        "slug": slug,
        "summary": "インバウンド観光客の動きを把握し、商店街の販促に生かしたい。",
        "background": "観光客は増えたが、どこを回っているか分からない。",
        "desired_outcome": "商店街が自分でデータを見て、翌月の企画を立てられること。",
        "offers_data": "on",
        "budget_min_yen": "1000000",
        "budget_max_yen": "3000000",
        "application_opens": "2026-04-01 00:00",
        "application_closes": "2026-05-31 23:59",
        "max_partners": "2",
        "procurement": "",
        "contact": "観光課",
        "attachments": inline_formset([]),
        "application_questions": streamfield([]),
        "comments": inline_formset([]),
    }
    themes = overrides.pop("themes", [str(Theme.objects.get(slug="tourism").pk)])
    data.update(overrides)
    flat = nested_form_data(data)
    flat["themes"] = themes  # a list is a multi-valued field here, not a nested formset
    return flat


def _errors(response):
    form = response.context.get("form") if response.context else None
    return form.errors if form is not None else response.status_code


def _add_url():
    return reverse("wagtailadmin_pages:add", args=("challenges", "challengepage", cf.index_page().pk))


@pytest.fixture
def takamatsu():
    return cf.municipality("372013", "高松市")


@pytest.fixture
def teshio():
    return cf.municipality("014877", "天塩町")


@pytest.fixture
def author(takamatsu):
    return cf.staff(takamatsu, email="kanko@city.takamatsu.example.jp")


@pytest.fixture
def moderator():
    return cf.staff(cf.ministry(), email="moderator@soumu.example.jp")


def _submit(client, user, **overrides):
    client.force_login(user)
    response = client.post(_add_url(), {**_form(**overrides), "action-submit": "Submit"})
    assert response.status_code == 302, _errors(response)
    return ChallengePage.objects.latest("pk")


def _task_state(page):
    return TaskState.objects.get(
        workflow_state__base_content_type__isnull=False,
        workflow_state__object_id=str(page.pk),
        status=TaskState.STATUS_IN_PROGRESS,
    )


def test_municipality_submits_and_ministry_approves(client, author, moderator, takamatsu):
    page = _submit(client, author)
    assert page.municipality == takamatsu  # forced to the author's organisation
    assert list(page.get_latest_revision_as_object().themes.values_list("slug", flat=True)) == ["tourism"]
    assert not page.live
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    task_state = state.current_task_state

    # The author cannot publish or approve it themselves.
    assert not page.permissions_for_user(author).can_publish()
    client.force_login(author)
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk))
    client.post(url, {"comment": ""})
    page.refresh_from_db()
    assert not page.live

    client.force_login(moderator)
    response = client.post(url, {"comment": "良い課題です"})
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert page.live
    assert client.get(page.url).status_code == 200
    assert page.live_revision == page.latest_revision  # the submitted revision is what went live


def test_reject_with_comment_author_sees_it_and_resubmits(client, author, moderator):
    page = _submit(client, author)
    task_state = WorkflowState.objects.get(object_id=str(page.pk)).current_task_state
    client.force_login(moderator)
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "reject", task_state.pk)),
        {"comment": "予算の上限を明記してください"},
    )
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_REJECTED
    # The author is told by e-mail, comment included; the moderators were told of the submission.
    assert any(m.to == [author.email] and "予算の上限を明記してください" in m.body for m in mail.outbox)
    assert any(m.to == [moderator.email] for m in mail.outbox)
    page.refresh_from_db()
    assert not page.live

    client.force_login(author)
    history = client.get(reverse("wagtailadmin_pages:workflow_history", args=(page.pk,)))
    assert history.status_code == 200
    state = WorkflowState.objects.get(object_id=str(page.pk))
    detail = client.get(reverse("wagtailadmin_pages:workflow_history_detail", args=(page.pk, state.pk)))
    assert "予算の上限を明記してください" in detail.content.decode()

    # Edit after rejection and submit again: the workflow resumes for the ministry.
    edit = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    response = client.post(
        edit, {**_form(budget_max_yen="2500000"), "slug": page.slug, "action-submit": "Submit"}
    )
    assert response.status_code == 302, _errors(response)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.status == TaskState.STATUS_IN_PROGRESS
    page.refresh_from_db()
    latest = page.get_latest_revision_as_object()
    assert latest.budget_max_yen == 2_500_000
    page.refresh_from_db()
    assert not page.live

    client.force_login(moderator)
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", state.current_task_state.pk)),
        {"comment": ""},
    )
    page.refresh_from_db()
    assert page.live and page.budget_max_yen == 2_500_000
    actions = list(
        AuditEvent.objects.filter(object_id=str(page.pk), action__startswith="challenge.")
        .order_by("at", "id")
        .values_list("action", "data__comment")
    )
    assert actions[:2] == [
        ("challenge.submitted", ""),
        ("challenge.rejected", "予算の上限を明記してください"),
    ]
    assert actions[-1][0] == "challenge.approved"
    assert page.revisions.count() == 2  # the rejected draft is kept alongside the approved one


def test_municipality_cannot_publish_directly(client, author):
    client.force_login(author)
    response = client.post(_add_url(), {**_form(), "action-publish": "Publish"})
    page = ChallengePage.objects.latest("pk")
    assert response.status_code in (302, 403) or not page.live
    assert not page.live


def test_municipality_staff_cannot_post_for_another_municipality(client, author, teshio):
    client.force_login(author)
    client.post(_add_url(), {**_form(), "municipality": str(teshio.pk), "action-submit": "Submit"})
    assert not ChallengePage.objects.filter(municipality=teshio).exists()


def test_second_municipality_cannot_open_anothers_challenge(client, author, teshio):
    page = _submit(client, author)
    other = cf.staff(teshio, email="soumu@town.teshio.example.jp")
    client = Client()  # a fresh browser: no messages left over from the author's session
    client.force_login(other)
    response = client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
    assert response.status_code in (302, 403)
    assert page.title not in response.content.decode()
    listing = client.get(reverse("wagtailadmin_explore", args=(cf.index_page().pk,)))
    assert listing.status_code == 200
    assert page.title not in listing.content.decode()
    # The author still can.
    client.force_login(author)
    assert client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,))).status_code == 200


def test_unpublished_challenge_is_404_for_the_public(client, author):
    page = _submit(client, author)
    client.logout()
    assert client.get("/challenges/" + page.slug + "/").status_code == 404
    assert page.title not in client.get("/challenges/").content.decode()


def test_startup_user_cannot_create_challenges(client, startup_user):
    client.force_login(startup_user)
    response = client.get(_add_url())
    assert response.status_code in (302, 403)
    assert not ChallengePage.objects.exists()


def test_themes_are_a_snippet_for_the_ministry_only(client, author, moderator):
    url = reverse("wagtailsnippets_core_theme:list")
    client.force_login(moderator)
    response = client.get(url)
    assert response.status_code == 200 and "snow-removal" in response.content.decode()
    client.force_login(author)
    assert client.get(url).status_code in (302, 403)


def test_the_button_that_sends_a_challenge_to_the_ministry_is_in_japanese(client, author):
    """QA pass: municipal staff read 'Ministry moderation of challengesに提出する' on the Japanese admin's button."""
    client.force_login(author)
    html = client.get(_add_url()).content.decode()
    assert "総務省による課題の審査に提出する" in html and "Ministry moderation of challenges" not in html
