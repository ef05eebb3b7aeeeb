"""The application form never loses typed text, and each application says what its startup must do next (issue #17,
items 2 and 4): one form for the text and the files, files before 「応募を提出」, optional files not marked 必須, the
deadline and the time left on a draft, states waiting on the startup marked by colour, icon and words, and a matched
application leading to its engagement, the municipality's contact person and the next steps."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from portal.applications import next_steps, services
from portal.applications.models import Application, ApplicationState
from portal.tracker.models import Engagement
from portal.tracker.services import engagement_open
from tests.applications.factories import EXE, PROPOSAL, pdf_upload

pytestmark = pytest.mark.django_db


def _url(name, *args, lang="ja"):
    with translation.override(lang):
        return reverse(name, args=args)


def _form(**changes):
    data = {k: str(v) for k, v in PROPOSAL.items()}
    data.update(changes)
    return data


# --------------------------------------------------------------------------------------------- item 2: lost text


def test_a_new_application_saves_its_text_and_files_in_one_post(client, world):
    client.force_login(world.user_a)
    response = client.post(
        _url("applications:apply", world.challenge_x.pk),
        _form(save="1") | {"files": [pdf_upload("提案書.pdf"), pdf_upload("体制図.pdf")]},
    )
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("applications:edit", application.pk)
    assert application.approach == PROPOSAL["approach"] and application.state == ApplicationState.DRAFT
    assert sorted(a.original_name for a in application.attachments.all()) == ["体制図.pdf", "提案書.pdf"]


def test_uploading_a_file_keeps_the_text_typed_since_the_last_save(client, world):
    application = world.draft(approach="最初の案")
    client.force_login(world.user_a)
    response = client.post(
        _url("applications:edit", application.pk),
        _form(approach="アップロード前に書き足した案", save="1") | {"files": pdf_upload()},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.approach == "アップロード前に書き足した案"
    assert application.attachments.count() == 1


def test_a_refused_file_still_saves_the_text_and_says_why(client, world):
    application = world.draft(approach="最初の案")
    client.force_login(world.user_a)
    bad = SimpleUploadedFile("virus.pdf", EXE, content_type="application/pdf")
    response = client.post(
        _url("applications:edit", application.pk),
        _form(approach="書き直した案", submit="1") | {"files": bad},
        follow=True,
    )
    application.refresh_from_db()
    assert application.approach == "書き直した案"
    assert application.state == ApplicationState.DRAFT, "a refused file stops the submission"
    assert application.attachments.count() == 0
    body = response.content.decode()
    assert "virus.pdf:" in body and "下書きを保存しました" in body


def test_removing_a_file_saves_the_text_too(client, world):
    application = world.draft()
    attachment = services.attachment_add(application=application, actor=world.user_a, uploaded=pdf_upload())
    client.force_login(world.user_a)
    response = client.post(
        _url("applications:edit", application.pk),
        _form(timeline="半年", remove_attachment=str(attachment.pk)),
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.timeline == "半年" and application.attachments.count() == 0


def test_removing_another_applications_file_through_the_form_does_nothing(client, world):
    theirs = world.draft(user=world.user_b)
    attachment = services.attachment_add(application=theirs, actor=world.user_b, uploaded=pdf_upload())
    mine = world.draft()
    client.force_login(world.user_a)
    client.post(_url("applications:edit", mine.pk), _form(remove_attachment=str(attachment.pk)))
    assert theirs.attachments.count() == 1


def test_a_form_with_errors_shows_the_typed_text_and_asks_for_the_files_again(client, world):
    application = world.draft()
    client.force_login(world.user_a)
    response = client.post(
        _url("applications:edit", application.pk),
        _form(approach="消えてはいけない文章", cost_estimate_yen="-5", save="1") | {"files": pdf_upload()},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "消えてはいけない文章" in body
    assert "ファイルをもう一度選んでください" in body
    assert application.attachments.count() == 0


def test_submitting_with_a_file_attaches_it_then_submits(client, world):
    application = world.draft()
    client.force_login(world.user_a)
    response = client.post(
        _url("applications:edit", application.pk), _form(submit="1") | {"files": pdf_upload()}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED and application.attachments.count() == 1


@pytest.mark.parametrize(
    ("lang", "optional", "required"), [("ja", "任意", "必須"), ("en", "Optional", "Required")]
)
def test_one_form_with_the_files_before_the_submit_button_and_optional_files_not_required(
    client, world, lang, optional, required
):
    application = world.draft()
    client.force_login(world.user_a)
    for url in (
        _url("applications:apply", world.challenge_y.pk, lang=lang),
        _url("applications:edit", application.pk, lang=lang),
    ):
        body = client.get(url).content.decode()
        form = re.search(
            r'<form method="post" enctype="multipart/form-data" id="application-form".*?</form>', body, re.S
        )
        assert form, url
        html = form.group(0)
        assert html.count("<form") == 1, "no second form: text and files are sent together"
        files = re.search(r'<label for="id_files">(.*?)</label>', html, re.S).group(1)
        assert optional in files and required not in files
        assert html.index('id="attachments"') < html.index('id="submit-application"')
        assert 'data-warn-unsaved="' in html
        # the warning is a static script (the Content-Security-Policy forbids inline script)
        assert re.search(r'<script src="[^"]*/js/unsaved-changes\.js"', body)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)


def test_the_default_button_of_the_form_saves_rather_than_removes(client, world):
    """Enter in a text box presses the form's first submit button: it must save, never remove a file."""
    application = world.draft()
    services.attachment_add(application=application, actor=world.user_a, uploaded=pdf_upload())
    client.force_login(world.user_a)
    html = client.get(_url("applications:edit", application.pk)).content.decode()
    first = re.search(
        r"<button[^>]*type=\"submit\"[^>]*>", html[html.index('id="application-form"') :]
    ).group(0)
    assert 'name="save"' in first


# --------------------------------------------------------------------------------------------- deadline, time left


def test_time_left_reads_in_days_and_hours_then_hours_and_minutes():
    now = timezone.now()
    translation.activate("ja")
    assert next_steps.time_left(now + dt.timedelta(days=3, hours=5, minutes=7), now=now) == "あと3日5時間"
    assert next_steps.time_left(now + dt.timedelta(hours=5, minutes=7), now=now) == "あと5時間7分"
    assert next_steps.time_left(now + dt.timedelta(seconds=20), now=now) == "あと1分"
    assert next_steps.time_left(now - dt.timedelta(seconds=1), now=now) == ""
    with translation.override("en"):
        assert next_steps.time_left(now + dt.timedelta(days=1, hours=1), now=now) == "1 day 1 hour left"
        assert next_steps.time_left(now + dt.timedelta(days=2), now=now) == "2 days left"


def test_the_deadline_reads_as_each_language_writes_dates():
    closes = dt.datetime(2026, 12, 20, 8, 0, tzinfo=dt.UTC)  # 17:00 in Japan
    translation.activate("ja")
    assert next_steps.deadline_label(closes) == "2026年12月20日 17:00"
    with translation.override("en"):
        assert next_steps.deadline_label(closes) == "20 Dec 2026, 17:00"


@pytest.mark.parametrize(("lang", "left"), [("ja", "あと"), ("en", " left")])
def test_a_draft_shows_its_deadline_and_the_time_left(client, world, lang, left):
    application = world.draft()
    client.force_login(world.user_a)
    for url in (
        _url("applications:edit", application.pk, lang=lang),
        _url("applications:detail", application.pk, lang=lang),
        _url("applications:apply", world.challenge_y.pk, lang=lang),
    ):
        body = client.get(url).content.decode()
        deadline = re.search(r'<p class="deadline" id="deadline">(.*?)</p>', body, re.S)
        assert deadline, url
        with translation.override(lang):
            label = next_steps.deadline_label(world.challenge_x.application_closes)
        assert label in deadline.group(1)
        assert left in re.search(r'id="time-left">([^<]+)<', body).group(1)


def test_a_draft_past_its_deadline_says_it_can_no_longer_be_submitted(client, world):
    application = world.draft()
    world.challenge_x.application_closes = timezone.now() - dt.timedelta(minutes=1)
    world.challenge_x.application_opens = timezone.now() - dt.timedelta(days=2)
    world.challenge_x.save()
    client.force_login(world.user_a)
    body = client.get(_url("applications:detail", application.pk)).content.decode()
    assert "締切を過ぎたため" in body and "needs-action" not in body


# --------------------------------------------------------------------------------------------- item 4: what next


def _state_cell(body, pk):
    row = re.search(rf'<tr data-application="{pk}">(.*?)</tr>', body, re.S)
    return row.group(1) if row else ""


@pytest.mark.parametrize(
    ("lang", "action"),
    [("ja", "自治体の依頼に回答してください"), ("en", "Answer the municipality's request")],
)
def test_a_request_for_more_information_stands_out_by_colour_icon_and_words(client, world, lang, action):
    action = escape(action)
    asked = world.submitted()
    services.application_request_more_info(application=asked, actor=world.staff_x, message="体制図をください")
    waiting = world.submitted(challenge=world.challenge_y)
    client.force_login(world.user_a)
    for url in (_url("startups:mypage", lang=lang), _url("applications:mine", lang=lang)):
        body = client.get(url).content.decode()
        cell = _state_cell(body, asked.pk)
        assert "needs-action" in cell and 'class="status-icon"' in cell and action in cell, url
        other = _state_cell(body, waiting.pk)
        assert other and "needs-action" not in other and "status-icon" not in other
    body = client.get(_url("applications:detail", asked.pk, lang=lang)).content.decode()
    assert "needs-action" in body and action in body and 'id="edit-application"' in body


def test_the_municipality_sees_the_state_without_the_startups_to_do(client, world):
    asked = world.submitted()
    services.application_request_more_info(application=asked, actor=world.staff_x, message="体制図をください")
    client.force_login(world.staff_x)
    response = client.get(_url("applications:detail", asked.pk))
    if (
        response.status_code == 200
    ):  # staff may read the site's page; it must not tell them the startup's to-do
        assert "自治体の依頼に回答してください" not in response.content.decode()


def _matched(world, *, contact="観光交流課 高松太郎 087-000-0000"):
    world.challenge_x.contact = contact
    world.challenge_x.save_revision().publish()
    application = world.submitted()
    services.application_shortlist(application=application, actor=world.staff_x, reason="良い提案")
    services.application_mark_matched(application=application, actor=None)
    return application


@pytest.mark.parametrize(("lang", "heading"), [("ja", "次のステップ"), ("en", "Next steps")])
def test_a_matched_application_leads_to_its_engagement_contact_and_next_steps(client, world, lang, heading):
    application = _matched(world)
    engagement = Engagement.objects.filter(application=application).first() or engagement_open(
        municipality=world.muni_x,
        startup=world.startup_a,
        challenge=world.challenge_x,
        application=application,
    )
    client.force_login(world.user_a)
    body = client.get(_url("applications:detail", application.pk, lang=lang)).content.decode()
    steps = re.search(r'<section class="card next-steps" id="next-steps".*?</section>', body, re.S)
    assert steps and heading in steps.group(0)
    html = steps.group(0)
    assert f'href="{_url("tracker:engagement", engagement.pk, lang=lang)}"' in html
    assert f'href="{_url("tracker:trip_new", engagement.pk, lang=lang)}"' in html
    assert "観光交流課 高松太郎" in html
    assert ("初回訪問" if lang == "ja" else "first visit") in html
    # and the state itself points forward, in the list as well
    cell = _state_cell(client.get(_url("applications:mine", lang=lang)).content.decode(), application.pk)
    assert "needs-action" in cell and "status-icon" in cell
    # the engagement link answers
    assert client.get(_url("tracker:engagement", engagement.pk, lang=lang)).status_code == 200


def test_a_matched_application_without_an_engagement_yet_still_says_where_it_will_be(client, world):
    application = _matched(world, contact="")
    Engagement.objects.filter(application=application).update(application=None)
    client.force_login(world.user_a)
    body = client.get(_url("applications:detail", application.pk)).content.decode()
    assert "取組みのページが開きます" in body and "自治体の職員から連絡があります" in body
