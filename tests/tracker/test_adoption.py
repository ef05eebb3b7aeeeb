"""Adoption links (横展開), the spread tree, and case studies published only with both parties' approval."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.tracker import selectors, services
from portal.tracker.models import AdoptionRequest, CaseStudyPage, ConsentPurpose, Engagement
from portal.tracker.workflow import Stage
from tests import factories
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db


def _consent_all(engagement, *users):
    """Both parties opt in to every use (the consent rules themselves: tests/tracker/test_consent.py)."""
    for user in users:
        for purpose in ConsentPurpose.values:
            services.consent_set(engagement=engagement, actor=user, purpose=purpose, granted=True)


def _deployed(engagement):
    Engagement.objects.filter(pk=engagement.pk).update(
        stage=Stage.DEPLOYMENT, furthest_stage=Stage.DEPLOYMENT
    )
    engagement.refresh_from_db()
    return engagement


@pytest.fixture
def teshio():
    return tf.municipality("014877", "天塩町")


def test_adoption_request_link_and_tree(engagement, teshio, ministry):
    _deployed(engagement)
    teshio_staff = factories.staff(teshio)
    req = services.adoption_request_create(
        origin=engagement, municipality=teshio, actor=teshio_staff, message="同じ課題があります"
    )
    new = services.adoption_link(adoption_request=req, actor=ministry, reason="WG で承認")
    assert (new.origin_id, new.municipality, new.startup_id, new.source) == (
        engagement.pk,
        teshio,
        engagement.startup_id,
        Engagement.Source.ADOPTION,
    )
    req.refresh_from_db()
    engagement.refresh_from_db()
    assert req.state == AdoptionRequest.State.LINKED and req.engagement == new
    assert engagement.stage == Stage.ADOPTED_ELSEWHERE
    # a second generation: Kumamoto adopts from Teshio's adoption; the tree shows all three from any node
    _deployed(new)
    kumamoto = tf.municipality("431001", "熊本市")
    req2 = services.adoption_request_create(
        origin=new, municipality=kumamoto, actor=ministry, message="導入したい"
    )
    third = services.adoption_link(adoption_request=req2, actor=ministry, reason="承認")
    for node in (engagement, new, third):
        tree = selectors.adoption_tree(node)
        assert tree.engagement.pk == engagement.pk and selectors.tree_size(tree) == 3
        assert (
            tree.children[0].engagement.pk == new.pk
            and tree.children[0].children[0].engagement.pk == third.pk
        )


def test_adoption_refusals(engagement, teshio, ministry, muni_user):
    with pytest.raises(ValidationError):  # nothing proven yet
        services.adoption_request_create(origin=engagement, municipality=teshio, actor=ministry, message="x")
    _deployed(engagement)
    with pytest.raises(PermissionDenied):  # not on behalf of another municipality
        services.adoption_request_create(origin=engagement, municipality=teshio, actor=muni_user, message="x")
    with pytest.raises(PermissionDenied):  # not its own engagement's municipality
        services.adoption_request_create(
            origin=engagement, municipality=engagement.municipality, actor=ministry, message="x"
        )
    req = services.adoption_request_create(
        origin=engagement, municipality=teshio, actor=ministry, message="x"
    )
    with pytest.raises(ValidationError):  # one open request per municipality and solution
        services.adoption_request_create(origin=engagement, municipality=teshio, actor=ministry, message="y")
    with pytest.raises(PermissionDenied):
        services.adoption_link(adoption_request=req, actor=muni_user, reason="x")
    services.adoption_decline(adoption_request=req, actor=ministry, reason="時期尚早")
    with pytest.raises(ValidationError):
        services.adoption_link(adoption_request=req, actor=ministry, reason="x")
    assert Engagement.objects.count() == 1


def test_case_study_published_only_when_both_parties_approve(engagement, su_user, muni_user, ministry):
    services.progress_report_create(
        engagement=engagement,
        actor=muni_user,
        text="住民120人が利用",
        residents_served=120,
        cost_saved_yen=3_000_000,
    )
    _consent_all(engagement, muni_user, su_user)
    page = services.case_study_draft(engagement=engagement, actor=ministry)
    assert not page.live and "120" in page.results and "3,000,000" in page.results
    assert not CaseStudyPage.objects.live().exists()
    # ministry staff cannot publish it from the admin before both approvals
    assert not page.permissions_for_user(ministry).can_publish()
    with pytest.raises(PermissionDenied):
        services.case_study_approve(page=page, actor=ministry)
    services.case_study_approve(page=page, actor=muni_user)
    page.refresh_from_db()
    assert page.municipality_approved_at and not page.live
    with pytest.raises(ValidationError):
        services.case_study_approve(page=page, actor=muni_user)  # one approval per side
    services.case_study_approve(page=page, actor=su_user)
    page.refresh_from_db()
    assert page.live and page.both_approved
    assert CaseStudyPage.objects.live().search("120") is not None


def test_case_study_outsiders_cannot_approve(engagement, ministry):
    page = services.case_study_draft(engagement=engagement, actor=ministry)
    with pytest.raises(PermissionDenied):
        services.case_study_approve(page=page, actor=factories.member(tf.startup(name="他社")))
    with pytest.raises(ValidationError):
        services.case_study_draft(engagement=engagement, actor=ministry)  # one per engagement


def test_published_case_study_is_found_by_the_site_search(
    client, engagement, su_user, muni_user, ministry, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = services.case_study_draft(
            engagement=engagement, actor=ministry, title="遠隔妊婦健診の導入事例"
        )
    assert f"/case-studies/{page.slug}/" not in client.get("/search/", {"q": "妊婦健診"}).content.decode()
    _consent_all(engagement, muni_user, su_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_study_approve(page=page, actor=muni_user)
        services.case_study_approve(page=page, actor=su_user)
    page.refresh_from_db()
    assert page.url in client.get("/search/", {"q": "妊婦健診"}).content.decode()
