"""The external reviewer's opinion (issue #22 item 1): invited by e-mail by the municipality, uploads a signed
statement through the link (a PDF checked by content, kept private), once, before the link expires; the next
evidence-pack version carries the opinion."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.core.models import AuditEvent
from portal.core.storage import PRIVATE_STORAGE
from portal.tracker import services
from portal.tracker.models import Engagement, ReviewerInvitation
from portal.tracker.workflow import Stage
from tests import factories
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def done(engagement):
    Engagement.objects.filter(pk=engagement.pk).update(stage=Stage.POC_DONE, furthest_stage=Stage.POC_DONE)
    engagement.refresh_from_db()
    return engagement


def _invite(engagement, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.reviewer_invite(
            engagement=engagement, actor=user, name="佐藤教授", email="sato@univ.example.jp"
        )
    link = re.search(r"http\S+/evidence-review/\S+/", mail.outbox[-1].body).group(0)
    return link[link.index("/evidence-review/") :]


def test_only_the_municipality_invites_once_the_poc_is_done(engagement, muni_user, su_user, ministry):
    with pytest.raises(PermissionDenied):
        services.reviewer_invite(engagement=engagement, actor=muni_user, name="佐藤", email="s@example.jp")
    Engagement.objects.filter(pk=engagement.pk).update(stage=Stage.POC_DONE, furthest_stage=Stage.POC_DONE)
    engagement.refresh_from_db()
    for user in (su_user, ministry):
        with pytest.raises(PermissionDenied):
            services.reviewer_invite(engagement=engagement, actor=user, name="佐藤", email="s@example.jp")
    assert not ReviewerInvitation.objects.exists()


def test_the_reviewer_uploads_a_signed_pdf_once_through_the_link(
    client, done, muni_user, su_user, django_capture_on_commit_callbacks
):
    path = _invite(done, muni_user, django_capture_on_commit_callbacks)
    assert mail.outbox[-1].to == ["sato@univ.example.jp"] and "高松市" in mail.outbox[-1].subject
    invitation = ReviewerInvitation.objects.get()
    assert path.split("/")[-2] not in invitation.token_hash  # only the hash is kept
    assert AuditEvent.objects.filter(action="tracker.reviewer_invited").count() == 1
    assert client.get(path).status_code == 200
    assert client.get("/evidence-review/not-a-token/").status_code == 404
    # a PNG named .pdf, and a missing opinion, are refused; nothing is kept
    bad = client.post(
        path, {"opinion": "妥当", "statement": SimpleUploadedFile("s.pdf", PNG, "application/pdf")}
    )
    assert bad.status_code == 400
    bad = client.post(path, {"opinion": "", "statement": tf.pdf("s.pdf")})
    assert bad.status_code == 400
    invitation.refresh_from_db()
    assert invitation.submitted_at is None and not invitation.statement
    ok = client.post(path, {"opinion": "成果は期待する成果を満たす", "statement": tf.pdf("署名済み.pdf")})
    assert ok.status_code == 302
    invitation.refresh_from_db()
    assert (
        invitation.submitted_at
        and invitation.statement
        and invitation.opinion == "成果は期待する成果を満たす"
    )
    assert invitation.statement.storage is PRIVATE_STORAGE  # never under MEDIA_URL
    again = client.post(path, {"opinion": "二度目", "statement": tf.pdf("s.pdf")})
    assert again.status_code == 400
    invitation.refresh_from_db()
    assert invitation.opinion == "成果は期待する成果を満たす"
    assert AuditEvent.objects.filter(action="tracker.reviewer_statement_received").count() == 1
    # the statement: the two parties and ministry staff; anyone else 404
    url = reverse("tracker:review_statement", args=[invitation.pk])
    for user, status in ((muni_user, 200), (su_user, 200), (factories.member(tf.startup(name="他社")), 404)):
        client.force_login(user)
        assert client.get(url).status_code == status
    # the next version of the evidence pack carries the opinion
    pack = services.evidence_pack_create(
        engagement=done,
        actor=muni_user,
        clause=6,
        conditions_met=["disadvantage"],
        price_note="市場価格並み",
        next_fiscal_year=2030,
        budget_request_deadline=dt.date(2029, 10, 31),
    )
    assert pack.snapshot["reviews"] == [
        {"name": "佐藤教授", "on": pack.snapshot["reviews"][0]["on"], "opinion": "成果は期待する成果を満たす"}
    ]


def test_an_expired_link_takes_nothing(client, done, muni_user, django_capture_on_commit_callbacks):
    path = _invite(done, muni_user, django_capture_on_commit_callbacks)
    ReviewerInvitation.objects.update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert 'id="review-expired"' in client.get(path).content.decode()
    response = client.post(path, {"opinion": "遅れて", "statement": tf.pdf("s.pdf")})
    assert response.status_code == 400
    assert ReviewerInvitation.objects.get().submitted_at is None


def test_inviting_from_the_admin_engagement_page(client, done, muni_user):
    client.force_login(muni_user)
    url = reverse("engagement:invite_reviewer", args=[done.pk])
    bad = client.post(url, {"reviewer-name": "佐藤", "reviewer-email": "not-an-email"})
    assert bad.status_code == 400 and not ReviewerInvitation.objects.exists()
    ok = client.post(url, {"reviewer-name": "佐藤", "reviewer-email": "s@example.jp"})
    assert ok.status_code == 302 and ReviewerInvitation.objects.get().email == "s@example.jp"
