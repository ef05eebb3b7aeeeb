"""Conflicts of interest: declaring and withdrawing (admin screen, services, audit), who sees which declarations,
and recusal from the municipal review (services and views), including companies sharing a corporate number."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.accounts.models import Organisation, StartupProfile
from portal.applications import services
from portal.applications.models import ApplicationState, ConflictOfInterest, RubricCriterion
from portal.applications.services import ApplicationRefused
from portal.core.models import AuditEvent
from portal.geo.validators import validate_corporate_number
from tests import factories
from tests.challenges import factories as challenge_factories

RECUSED = "declared a conflict of interest with this startup"


def corporate_number(body: str) -> str:
    """A valid 13-digit corporate number ending in the 12 digits given (the check digit comes first)."""
    for check in "0123456789":
        try:
            validate_corporate_number(check + body)
        except ValidationError:
            continue
        return check + body
    raise AssertionError(body)


def _scores(value: int) -> dict[int, int]:
    return {c.pk: value for c in RubricCriterion.objects.filter(is_active=True)}


def test_declaring_in_the_admin_records_audits_and_recuses(client, world):
    application = world.submitted()
    client.force_login(world.staff_x)
    page = client.get(reverse("applications_conflicts"))
    assert page.status_code == 200 and 'id="conflict-form"' in page.content.decode()
    response = client.post(
        reverse("applications_conflicts"), {"startup": world.startup_a.pk, "reason": "親族が役員を務めている"}
    )
    assert response.status_code == 302
    declaration = ConflictOfInterest.objects.get()
    assert (declaration.person, declaration.side, declaration.municipality) == (
        world.staff_x,
        "municipality",
        world.muni_x,
    )
    assert declaration.challenge is None and declaration.is_active
    event = AuditEvent.objects.get(action="conflict.declare")
    assert event.actor == world.staff_x and event.data["startup"] == world.startup_a.pk
    review = client.get(reverse("applications_review", args=[application.pk])).content.decode()
    assert 'id="recused"' in review and "利益相反を申告済みのため" in review
    assert 'id="review-form"' not in review and 'id="decision-form"' not in review


def test_a_declaration_needs_a_reason(client, world):
    client.force_login(world.staff_x)
    response = client.post(reverse("applications_conflicts"), {"startup": world.startup_a.pk, "reason": "  "})
    assert response.status_code == 400
    assert not ConflictOfInterest.objects.exists()
    with pytest.raises(ValidationError):
        services.conflict_declare(person=world.staff_x, startup=world.startup_a, reason="")


def test_the_recused_reviewer_is_refused_by_the_services_and_another_may_act(world):
    application = world.submitted()
    services.conflict_declare(person=world.staff_x, startup=world.startup_a, reason="顧問をしている")
    with pytest.raises(ApplicationRefused, match=RECUSED):
        services.review_save(application=application, reviewer=world.staff_x, scores=_scores(5))
    with pytest.raises(ApplicationRefused, match=RECUSED):
        services.application_shortlist(application=application, actor=world.staff_x)
    with pytest.raises(ApplicationRefused, match=RECUSED):
        services.application_decline(application=application, actor=world.staff_x, reason="理由")
    with pytest.raises(ApplicationRefused, match=RECUSED):
        services.application_request_more_info(application=application, actor=world.staff_x, message="資料")
    colleague = challenge_factories.staff(world.muni_x, email="colleague@takamatsu.example.jp")
    services.review_save(application=application, reviewer=colleague, scores=_scores(4))
    services.application_shortlist(application=application, actor=colleague)
    application.refresh_from_db()
    assert application.state == ApplicationState.SHORTLISTED


def test_the_recused_reviewer_is_refused_through_the_review_screen(client, world):
    application = world.submitted()
    services.conflict_declare(person=world.staff_x, startup=world.startup_a, reason="株式を保有")
    client.force_login(world.staff_x)
    response = client.post(
        reverse("applications_review", args=[application.pk]),
        {"decide": "1", "decision-action": "shortlist", "decision-reason": ""},
        follow=True,
    )
    assert response.status_code == 200 and "利益相反を申告済みのため" in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_a_declaration_scoped_to_a_challenge_recuses_only_there(world):
    other_challenge = challenge_factories.challenge(municipality_org=world.muni_x, title="観光案内")
    there = world.submitted()
    elsewhere = world.submitted(challenge=other_challenge)
    services.conflict_declare(
        person=world.staff_x,
        startup=world.startup_a,
        reason="この課題の検討に親族が関わる",
        challenge=world.challenge_x,
    )
    with pytest.raises(ApplicationRefused, match=RECUSED):
        services.application_shortlist(application=there, actor=world.staff_x)
    services.application_shortlist(application=elsewhere, actor=world.staff_x)


def test_a_municipality_scopes_only_to_its_own_challenges(world):
    with pytest.raises(ApplicationRefused, match="your own organisation's challenges"):
        services.conflict_declare(
            person=world.staff_x, startup=world.startup_a, reason="関係あり", challenge=world.challenge_y
        )
    declaration = services.conflict_declare(
        person=world.ministry_user, startup=world.startup_a, reason="関係あり", challenge=world.challenge_y
    )
    assert declaration.side == "ministry" and declaration.municipality is None


def test_startups_cannot_declare_and_duplicates_are_refused(world):
    with pytest.raises(ApplicationRefused, match="Only ministry and municipality staff"):
        services.conflict_declare(person=world.user_b, startup=world.startup_a, reason="競合")
    services.conflict_declare(person=world.staff_x, startup=world.startup_a, reason="関係あり")
    with pytest.raises(ValidationError, match="already declared"):
        services.conflict_declare(person=world.staff_x, startup=world.startup_a, reason="関係あり")


def test_who_sees_which_declarations(client, world):
    services.conflict_declare(person=world.staff_x, startup=world.startup_a, reason="zq-reason-x")
    services.conflict_declare(person=world.staff_y, startup=world.startup_b, reason="zq-reason-y")
    services.conflict_declare(person=world.ministry_user, startup=world.startup_b, reason="zq-reason-m")
    seen = {}
    for key, user in (("X", world.staff_x), ("Y", world.staff_y), ("M", world.ministry_user)):
        client.force_login(user)
        body = client.get(reverse("applications_conflicts")).content.decode()
        seen[key] = {marker for marker in ("zq-reason-x", "zq-reason-y", "zq-reason-m") if marker in body}
    assert seen == {
        "X": {"zq-reason-x"},
        "Y": {"zq-reason-y"},
        "M": {"zq-reason-x", "zq-reason-y", "zq-reason-m"},
    }


def test_withdrawing_is_soft_audited_and_only_by_the_person(client, world):
    application = world.submitted()
    declaration = services.conflict_declare(person=world.staff_x, startup=world.startup_a, reason="元勤務先")
    # The ministry sees the declaration but may not withdraw someone else's; another municipality gets a 404.
    with pytest.raises(ApplicationRefused, match="Only the person who declared"):
        services.conflict_withdraw(declaration=declaration, actor=world.ministry_user)
    client.force_login(world.staff_y)
    assert client.post(reverse("applications_conflict_withdraw", args=[declaration.pk])).status_code == 404
    client.force_login(world.staff_x)
    response = client.post(reverse("applications_conflict_withdraw", args=[declaration.pk]))
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.withdrawn_at is not None and declaration.withdrawn_by == world.staff_x
    assert AuditEvent.objects.filter(action="conflict.withdraw", object_id=str(declaration.pk)).exists()
    assert ConflictOfInterest.objects.count() == 1  # kept, marked withdrawn
    staff = type(world.staff_x).objects.get(pk=world.staff_x.pk)  # a fresh request's user
    services.application_shortlist(application=application, actor=staff)


def test_the_same_corporate_number_is_the_same_relation(world):
    """A declaration follows the company: the startup re-registered under a new organisation is covered too."""
    number = corporate_number("700110005901")
    StartupProfile.objects.filter(organisation=world.startup_a).update(corporate_number=number)
    services.conflict_declare(person=world.staff_x, startup=world.startup_a, reason="親族が代表")
    # The old account is closed and its number released; the company registers again as a new organisation.
    StartupProfile.objects.filter(organisation=world.startup_a).update(corporate_number="")
    again = factories.organisation(Organisation.Kind.STARTUP, name="株式会社エー（新）", slug="startup-a-new")
    StartupProfile.objects.filter(organisation=again).update(corporate_number=number)
    member = factories.member(again, email="new@startup.example.jp")
    application = world.submitted(user=member)
    staff = type(world.staff_x).objects.get(pk=world.staff_x.pk)
    with pytest.raises(ApplicationRefused, match=RECUSED):
        services.application_shortlist(application=application, actor=staff)


def test_the_ministry_side_is_recused_from_reviewing_too(world):
    application = world.submitted()
    services.conflict_declare(person=world.ministry_user, startup=world.startup_a, reason="出向元")
    with pytest.raises(ApplicationRefused, match=RECUSED):
        services.application_shortlist(application=application, actor=world.ministry_user)


def test_the_list_filters_and_keeps_a_fixed_number_of_queries(client, world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("applications_conflicts")).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(world.ministry_user)
    services.conflict_declare(person=world.staff_x, startup=world.startup_a, reason="zq-one")
    few = queries()
    for i, person in enumerate((world.staff_y, world.ministry_user)):
        declaration = services.conflict_declare(person=person, startup=world.startup_b, reason=f"zq-more-{i}")
    services.conflict_withdraw(declaration=declaration, actor=world.ministry_user)
    assert queries() == few
    withdrawn = client.get(reverse("applications_conflicts"), {"status": "withdrawn"}).content.decode()
    assert "zq-more-1" in withdrawn and "zq-one" not in withdrawn
    municipal = client.get(reverse("applications_conflicts"), {"side": "municipality"}).content.decode()
    assert "zq-one" in municipal and "zq-more-0" in municipal and "zq-more-1" not in municipal
