"""The site's application pages: who may see what (404 for the others), and bad input answered clearly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from portal.applications import services
from portal.applications.models import Application, ApplicationAttachment, ApplicationState

from .factories import EXE, PROPOSAL, closed_challenge, pdf_upload


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(name if ":" in name else f"applications:{name}", args=args)


def _form(**overrides):
    return {k: v for k, v in (PROPOSAL | overrides).items()}


@pytest.fixture
def sent(world):
    application = world.draft()
    attachment = services.attachment_add(application=application, actor=world.user_a, uploaded=pdf_upload())
    services.application_submit(application=application, actor=world.user_a)
    return application, attachment


# --------------------------------------------------------------------------------------------- permissions


def test_startup_b_gets_404_for_a_application_and_attachments(client, world, sent):
    application, attachment = sent
    client.force_login(world.user_b)
    for name, args in [
        ("detail", [application.pk]),
        ("edit", [application.pk]),
        ("attachment_download", [application.pk, attachment.pk]),
    ]:
        assert client.get(url(name, *args)).status_code == 404, name
    for name, args in [
        ("submit", [application.pk]),
        ("withdraw", [application.pk]),
        ("attachment_delete", [application.pk, attachment.pk]),
        ("attachment_upload", [application.pk]),
    ]:
        assert client.post(url(name, *args)).status_code == 404, name
    # Guessing the attachment id under B's own application does not work either.
    own = world.draft(user=world.user_b)
    assert client.get(url("attachment_download", own.pk, attachment.pk)).status_code == 404
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED and application.attachments.count() == 1


def test_the_applicant_downloads_its_file_as_an_attachment_never_sniffed(client, world, sent):
    application, attachment = sent
    client.force_login(world.user_a)
    response = client.get(url("attachment_download", application.pk, attachment.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_municipality_x_cannot_open_or_download_what_was_sent_to_y(client, world):
    application = world.submitted(challenge=world.challenge_y)
    attachment_app = world.draft(user=world.user_b, challenge=world.challenge_y)
    attachment = services.attachment_add(
        application=attachment_app, actor=world.user_b, uploaded=pdf_upload()
    )
    services.application_submit(application=attachment_app, actor=world.user_b)
    client.force_login(world.staff_x)
    assert client.get(url("detail", application.pk)).status_code == 404
    assert client.get(url("attachment_download", attachment_app.pk, attachment.pk)).status_code == 404
    assert client.get(reverse("applications_review", args=[application.pk])).status_code == 404
    listing = client.get(reverse("application:index"))
    assert listing.status_code == 200
    assert "遠隔妊婦健診" not in listing.content.decode()
    # Y's staff and the ministry do get them.
    for user in (world.staff_y, world.ministry_user):
        client.force_login(user)
        assert client.get(url("attachment_download", attachment_app.pk, attachment.pk)).status_code == 200
        assert client.get(reverse("applications_review", args=[application.pk])).status_code == 200
        assert "遠隔妊婦健診" in client.get(reverse("application:index")).content.decode()


def test_municipality_never_sees_drafts(client, world):
    draft = world.draft()
    client.force_login(world.staff_x)
    assert client.get(url("detail", draft.pk)).status_code == 404
    assert client.get(reverse("applications_review", args=[draft.pk])).status_code == 404
    assert "除雪の見える化" not in client.get(reverse("application:index")).content.decode()


def test_startups_cannot_reach_the_review_screens(client, world, sent):
    application, _ = sent
    client.force_login(world.user_a)
    assert client.get(reverse("applications_review", args=[application.pk])).status_code in (302, 403)
    assert client.get(reverse("application:index")).status_code in (302, 403)


def test_anonymous_users_reach_nothing_private(client, world, sent):
    application, attachment = sent
    private = [
        url("mine"),
        url("detail", application.pk),
        url("edit", application.pk),
        url("apply", world.challenge_x.pk),
        url("startups:profile"),
        url("startups:notifications"),
        reverse("applications_review", args=[application.pk]),
        reverse("application:index"),
    ]
    for address in private:
        response = client.get(address)
        assert response.status_code in (302, 404), address
        if response.status_code == 302:
            assert "login" in response["Location"], address
    assert client.get(url("attachment_download", application.pk, attachment.pk)).status_code == 404
    assert client.post(url("submit", application.pk)).status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


# --------------------------------------------------------------------------------------------- the flow and bad input


def test_apply_save_draft_attach_and_submit(client, world):
    client.force_login(world.user_a)
    response = client.post(url("apply", world.challenge_x.pk), _form() | {"save": "1"})
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == url("edit", application.pk)
    response = client.post(url("attachment_upload", application.pk), {"file": pdf_upload()}, follow=True)
    assert "has been attached" in response.content.decode()
    response = client.post(url("edit", application.pk), _form() | {"submit": "1"}, follow=True)
    assert "has been submitted" in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_a_renamed_executable_is_refused_and_the_draft_kept(client, world):
    application = world.draft()
    client.force_login(world.user_a)
    fake = pdf_upload("proposal.pdf")
    fake.file.write(b"")  # replaced below
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("proposal.pdf", EXE, content_type="application/pdf")
    response = client.post(url("attachment_upload", application.pk), {"file": fake}, follow=True)
    assert response.status_code == 200
    assert "not an accepted type" in response.content.decode()
    assert not ApplicationAttachment.objects.exists()
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT and application.approach == PROPOSAL["approach"]


def test_an_11_mb_file_is_refused_with_a_clear_message(client, world):
    application = world.draft()
    services.attachment_add(application=application, actor=world.user_a, uploaded=pdf_upload("keep.pdf"))
    client.force_login(world.user_a)
    big = pdf_upload("big.pdf", size=11 * 1024 * 1024)
    response = client.post(url("attachment_upload", application.pk), {"file": big}, follow=True)
    assert "at most 10 MB" in response.content.decode()
    assert list(application.attachments.values_list("original_name", flat=True)) == ["keep.pdf"]


def test_submission_after_the_deadline_keeps_the_draft_and_its_files(client, world):
    application = world.draft()
    services.attachment_add(application=application, actor=world.user_a, uploaded=pdf_upload())
    world.challenge_x.application_closes = timezone.now() - dt.timedelta(seconds=1)
    world.challenge_x.save(update_fields=["application_closes"], clean=False)
    client.force_login(world.user_a)
    response = client.post(
        url("edit", application.pk), _form(approach="最新の案") | {"submit": "1"}, follow=True
    )
    assert "deadline for this challenge has passed" in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT
    assert application.approach == "最新の案"  # what was typed is kept
    assert application.attachments.count() == 1


def test_double_click_on_submit_is_harmless(client, world):
    application = world.draft()
    client.force_login(world.user_a)
    first = client.post(url("edit", application.pk), _form() | {"submit": "1"}, follow=True)
    second = client.post(url("edit", application.pk), _form() | {"submit": "1"}, follow=True)
    assert "has been submitted" in first.content.decode()
    assert second.status_code == 200 and "already been submitted" in second.content.decode()
    third = client.post(url("submit", application.pk), follow=True)
    assert "already been submitted" in third.content.decode()
    from portal.core.models import AuditEvent, Notification

    assert AuditEvent.objects.filter(action="application.submit").count() == 1
    assert Notification.objects.filter(kind="application.submitted").count() == 1


def test_applying_twice_leads_to_the_existing_application(client, world):
    application = world.draft()
    client.force_login(world.user_a)
    response = client.get(url("apply", world.challenge_x.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("detail", application.pk)
    assert "already applied" in response.content.decode()
    client.post(url("apply", world.challenge_x.pk), _form() | {"save": "1"})
    assert Application.objects.count() == 1


def test_applying_to_a_closed_or_unpublished_challenge_says_why(client, world):
    from tests.challenges import factories as challenge_factories

    client.force_login(world.user_a)
    closed = closed_challenge(world)
    response = client.get(url("apply", closed.pk))
    assert response.status_code == 403 and "closed" in response.content.decode()
    response = client.post(url("apply", closed.pk), _form() | {"save": "1"})
    assert response.status_code == 403
    unpublished = challenge_factories.challenge(municipality_org=world.muni_x, publish=False)
    response = client.get(url("apply", unpublished.pk))
    assert response.status_code == 404 and "not published" in response.content.decode()
    assert not Application.objects.exists()


def test_editing_a_submitted_application_is_refused_with_a_message(client, world):
    application = world.submitted()
    client.force_login(world.user_a)
    response = client.post(
        url("edit", application.pk), _form(approach="後から変更") | {"save": "1"}, follow=True
    )
    assert "can no longer be changed" in response.content.decode()
    application.refresh_from_db()
    assert application.approach == PROPOSAL["approach"]


def test_messages_are_japanese_by_default(client, world):
    application = world.submitted()
    client.force_login(world.user_a)
    response = client.post(url("edit", application.pk, lang="ja"), _form() | {"save": "1"}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/applications/")
    assert "提出済みのため変更できません" in response.content.decode()


def test_more_information_lets_the_startup_edit_and_resubmit(client, world):
    application = world.submitted()
    services.application_request_more_info(
        application=application, actor=world.staff_x, message="体制を詳しく"
    )
    client.force_login(world.user_a)
    page = client.get(url("detail", application.pk)).content.decode()
    assert "体制を詳しく" in page
    response = client.post(
        url("edit", application.pk), _form(timeline="6か月") | {"submit": "1"}, follow=True
    )
    assert "has been submitted" in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED and application.timeline == "6か月"


def test_the_file_limits_are_explained_in_the_pages_language(client, world):
    """QA pass: the help under the file field was formatted at import, so /en/ showed it in Japanese."""
    application = world.draft()
    client.force_login(world.user_a)
    english = client.get(url("edit", application.pk, lang="en")).content.decode()
    japanese = client.get(url("edit", application.pk, lang="ja")).content.decode()
    assert "PDF, Word, Excel, PowerPoint, PNG or JPEG; at most 10 MB each, 30 MB per application." in english
    assert "1ファイル10MBまで" not in english
    assert "PDF、Word、Excel、PowerPoint、PNG、JPEG。1ファイル10MBまで、1件の応募で合計30MBまで。" in japanese


def test_my_applications_table_scrolls_inside_the_page_on_a_phone(client, world):
    """QA pass: at 375 px the English applications table on My page pushed the whole page sideways. It scrolls inside
    its wrapper, and on phones it is stacked into labelled rows (.stack, tests/browser/test_phone.py)."""
    world.draft()
    client.force_login(world.user_a)
    mine = client.get(url("mine")).content.decode()
    assert '<div class="table-wrap"><table class="table application-list stack">' in mine
    with translation.override("en"):
        mypage = client.get(reverse("startups:mypage")).content.decode()
    assert '<div class="table-wrap"><table class="table application-list stack">' in mypage


def test_withdrawing_asks_first_because_it_cannot_be_undone(client, world):
    """QA pass: one click on 'Withdraw' ended the application for good (no re-applying), with no confirmation."""
    application = world.submitted()
    client.force_login(world.user_a)
    detail = client.get(url("detail", application.pk, lang="ja")).content.decode()
    assert f'href="{url("withdraw", application.pk, lang="ja")}" id="withdraw"' in detail
    confirm = client.get(url("withdraw", application.pk, lang="ja"))
    text = confirm.content.decode()
    assert (
        confirm.status_code == 200
        and "応募を取り下げますか？" in text
        and "再び応募することはできません" in text
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED  # asking changes nothing
    done = client.post(url("withdraw", application.pk, lang="ja"), follow=True)
    application.refresh_from_db()
    assert application.state == ApplicationState.WITHDRAWN and done.redirect_chain[-1][0] == url(
        "detail", application.pk, lang="ja"
    )
    # Once withdrawn there is nothing to confirm: back to the application with the reason.
    again = client.get(url("withdraw", application.pk, lang="ja"), follow=True)
    assert again.redirect_chain[-1][0] == url("detail", application.pk, lang="ja")


def test_fields_a_submission_needs_are_marked_required_to_submit_not_optional(client, world):
    """QA pass: approach, expected outcome, timeline and cost were labelled "Optional" (a draft may leave them
    empty), yet submitting refused the application without them."""
    import re

    application = world.draft()
    client.force_login(world.user_a)
    for lang, needed, optional in (("ja", "提出時に必須", "任意"), ("en", "Required to submit", "Optional")):
        html = client.get(url("edit", application.pk, lang=lang)).content.decode()
        for name in ("approach", "expected_outcome", "timeline", "cost_estimate_yen"):
            label = re.search(rf'<label for="id_{name}">(.*?)</label>', html, re.S).group(1)
            assert needed in label and optional not in label, (lang, name)
        label = re.search(r'<label for="id_needs_from_municipality">(.*?)</label>', html, re.S).group(1)
        assert optional in label, lang
