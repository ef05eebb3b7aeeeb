"""Data-use consent per engagement (issue #22 item 4): each party grants and withdraws its own, every change is
audited, and the rules that need it are enforced — publishing a case study, reusing the pilot's figures, sharing
the evidence pack with a municipality that joined."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.core.models import AuditEvent
from portal.tracker import services
from portal.tracker.models import CaseStudyPage, ConsentPurpose, DataConsent, Engagement, EvidencePack
from portal.tracker.workflow import Stage
from tests import factories
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db

PUBLISH = ConsentPurpose.PUBLISH_CASE_STUDY
SHARE = ConsentPurpose.SHARE_WITH_MUNICIPALITIES
REUSE = ConsentPurpose.REUSE_DATA


def _consent(engagement, user, purpose, granted=True):
    return services.consent_set(engagement=engagement, actor=user, purpose=purpose, granted=granted)


def test_each_party_grants_and_withdraws_its_own_consent_and_every_change_is_audited(
    engagement, muni_user, su_user
):
    _consent(engagement, muni_user, PUBLISH)
    _consent(engagement, su_user, PUBLISH)
    _consent(engagement, su_user, PUBLISH, granted=False)
    rows = {(c.side, c.granted) for c in DataConsent.objects.filter(engagement=engagement, purpose=PUBLISH)}
    assert rows == {("municipality", True), ("startup", False)}
    events = list(
        AuditEvent.objects.filter(action__startswith="tracker.consent_")
        .order_by("pk")
        .values_list("action", "data")
    )
    assert [(a, d["side"], d["purpose"]) for a, d in events] == [
        ("tracker.consent_granted", "municipality", PUBLISH),
        ("tracker.consent_granted", "startup", PUBLISH),
        ("tracker.consent_revoked", "startup", PUBLISH),
    ]
    # asking for what is already so records nothing (withdrawing a consent never given included)
    _consent(engagement, muni_user, PUBLISH)
    _consent(engagement, muni_user, SHARE, granted=False)
    assert AuditEvent.objects.filter(action__startswith="tracker.consent_").count() == 3


def test_ministry_staff_and_outsiders_cannot_answer_for_a_party(engagement, ministry):
    outsider = factories.member(tf.startup(name="他社"))
    for user in (ministry, outsider):
        with pytest.raises(PermissionDenied):
            _consent(engagement, user, PUBLISH)
    assert not DataConsent.objects.exists()


def test_an_unknown_purpose_is_refused(engagement, muni_user):
    with pytest.raises(ValidationError):
        _consent(engagement, muni_user, "sell_everything")


def test_a_case_study_is_refused_until_both_parties_consent_then_published(
    engagement, muni_user, su_user, ministry
):
    page = services.case_study_draft(engagement=engagement, actor=ministry)
    with pytest.raises(ValidationError) as refused:
        services.case_study_approve(page=page, actor=muni_user)  # no consent of its own
    assert refused.value.code == "no_consent"
    _consent(engagement, muni_user, PUBLISH)
    services.case_study_approve(page=page, actor=muni_user)
    with pytest.raises(ValidationError) as refused:
        services.case_study_approve(page=page, actor=su_user)
    assert refused.value.code == "no_consent"
    page.refresh_from_db()
    assert not page.live and page.startup_approved_at is None
    _consent(engagement, su_user, PUBLISH)
    services.case_study_approve(page=page, actor=su_user)
    page.refresh_from_db()
    assert page.live


def test_the_publishing_approval_is_refused_when_the_other_party_withdrew(
    engagement, muni_user, su_user, ministry
):
    page = services.case_study_draft(engagement=engagement, actor=ministry)
    _consent(engagement, muni_user, PUBLISH)
    services.case_study_approve(page=page, actor=muni_user)
    _consent(engagement, muni_user, PUBLISH, granted=False)
    _consent(engagement, su_user, PUBLISH)
    with pytest.raises(ValidationError) as refused:
        services.case_study_approve(page=page, actor=su_user)
    assert refused.value.code == "no_consent" and "自治体" in refused.value.messages[0]
    page.refresh_from_db()
    assert not page.live


def test_withdrawing_consent_takes_a_published_case_study_off_the_site(
    client, engagement, muni_user, su_user, ministry
):
    page = services.case_study_draft(engagement=engagement, actor=ministry, title="公開事例")
    for user in (muni_user, su_user):
        _consent(engagement, user, PUBLISH)
        services.case_study_approve(page=page, actor=user)
    page.refresh_from_db()
    assert client.get(page.url).status_code == 200
    url = page.url
    _consent(engagement, su_user, PUBLISH, granted=False)
    page.refresh_from_db()
    assert not page.live
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(action="tracker.case_study_unpublished", object_id=str(page.pk)).exists()


def test_the_admin_publish_button_stays_off_without_both_consents(engagement, muni_user, su_user, ministry):
    page = services.case_study_draft(engagement=engagement, actor=ministry)
    # both approvals recorded (as by an older version of the portal), no consent
    CaseStudyPage.objects.filter(pk=page.pk).update(
        municipality_approved_at=timezone.now(), startup_approved_at=timezone.now()
    )
    page.refresh_from_db()
    assert not page.permissions_for_user(ministry).can_publish()
    _consent(engagement, muni_user, PUBLISH)
    _consent(engagement, su_user, PUBLISH)
    page.refresh_from_db()
    assert page.permissions_for_user(ministry).can_publish()


def test_the_draft_reuses_the_pilots_figures_only_with_both_consents(
    engagement, muni_user, su_user, ministry
):
    services.progress_report_create(
        engagement=engagement, actor=muni_user, text="住民120人", residents_served=120
    )
    _consent(engagement, muni_user, REUSE)
    page = services.case_study_draft(engagement=engagement, actor=ministry)
    assert "120" not in page.results
    page.delete()
    _consent(engagement, su_user, REUSE)
    page = services.case_study_draft(engagement=engagement, actor=ministry)
    assert "120" in page.results


def _solved_with_pack(engagement, muni_user):
    Engagement.objects.filter(pk=engagement.pk).update(stage=Stage.CONTRACT, furthest_stage=Stage.CONTRACT)
    engagement.refresh_from_db()
    return services.evidence_pack_create(
        engagement=engagement,
        actor=muni_user,
        clause=2,
        conditions_met=["only_supplier", "poc_shows", "explainable"],
        price_note="実証の実費と同等",
        next_fiscal_year=2030,
        budget_request_deadline=dt.date(2029, 10, 31),
    )


def test_the_evidence_pack_is_shared_with_a_joining_municipality_only_with_both_consents(
    client, engagement, muni_user, su_user
):
    pack = _solved_with_pack(engagement, muni_user)
    teshio = tf.municipality("014877", "天塩町")
    teshio_staff = factories.staff(teshio)
    kyotango_staff = factories.staff(tf.municipality("262129", "京丹後市"))
    url = reverse("reports:evidence_pack", args=[pack.pk])
    services.adoption_join(
        origin=engagement,
        municipality=teshio,
        actor=teshio_staff,
        population=3000,
        budget_min_yen=1_000_000,
        budget_max_yen=2_000_000,
        message="同じ課題",
    )
    client.force_login(teshio_staff)
    assert client.get(url).status_code == 404
    _consent(engagement, muni_user, SHARE)
    assert client.get(url).status_code == 404  # one party is not enough
    _consent(engagement, su_user, SHARE)
    assert client.get(url).status_code == 200
    # the joining town's engagement page links to it
    joined = Engagement.objects.get(origin=engagement)
    page = client.get(reverse("engagement:inspect", args=[joined.pk])).content.decode()
    assert url in page
    # a municipality that did not join never gets it, consents or not
    client.force_login(kyotango_staff)
    assert client.get(url).status_code == 404
    # withdrawn: no longer shared
    _consent(engagement, su_user, SHARE, granted=False)
    client.force_login(teshio_staff)
    assert client.get(url).status_code == 404
    assert EvidencePack.objects.count() == 1


def test_consent_through_the_pages_of_both_parties(client, engagement, muni_user, su_user):
    client.force_login(su_user)
    site = reverse("tracker:engagement", args=[engagement.pk])
    response = client.post(site, {"action": "consent", "purpose": PUBLISH, "granted": "1"})
    assert response.status_code == 302
    client.force_login(muni_user)
    admin = reverse("engagement:inspect", args=[engagement.pk])
    consent = reverse("engagement:consent", args=[engagement.pk])
    assert client.post(consent, {"purpose": SHARE, "granted": "1"}).status_code == 302
    assert set(DataConsent.objects.filter(granted=True).values_list("side", "purpose")) == {
        ("startup", PUBLISH),
        ("municipality", SHARE),
    }
    # a bad purpose is refused with a message, nothing saved
    response = client.post(consent, {"purpose": "x", "granted": "1"})
    assert response.status_code == 400
    assert DataConsent.objects.count() == 2
    page = client.get(admin, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "データ利用の同意" in page or "Data-use consent" in page
