"""Agreements (実証協定書 / 契約): recording, amending, files, who may do what, the stage's reference, reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from portal.core.audit_labels import ACTION_LABELS
from portal.core.calendar import today_jst
from portal.core.models import AuditEvent, Notification
from portal.tracker import services
from portal.tracker.models import Agreement, AgreementFile
from tests import factories
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db

TODAY = today_jst()


def _form(**extra):
    data = {
        "kind": "poc",
        "title": "除雪車位置情報の実証協定書",
        "parties": "高松市 都市整備局\n株式会社テスト",
        "signed_on": TODAY.isoformat(),
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + dt.timedelta(days=180)).isoformat(),
        "renewal_notice_on": (TODAY + dt.timedelta(days=150)).isoformat(),
        "amount_yen": "1200000",
    }
    return data | extra


def _record(engagement, actor, *, ends_in=180, renewal_in=None, kind="poc", files=()):
    return services.agreement_record(
        engagement=engagement,
        actor=actor,
        kind=kind,
        title="実証協定書",
        parties="高松市\n株式会社テスト",
        signed_on=TODAY,
        starts_on=TODAY,
        ends_on=TODAY + dt.timedelta(days=ends_in),
        renewal_notice_on=None if renewal_in is None else TODAY + dt.timedelta(days=renewal_in),
        amount_yen=500_000,
        files=files,
    )


def test_municipality_records_an_agreement_with_its_signed_copy(
    client, engagement, muni_user, su_user, settings
):
    client.force_login(muni_user)
    url = reverse("agreement:add", args=[engagement.pk])
    response = client.post(url, _form(files=tf.pdf("協定書.pdf")))
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "agreement:inspect", args=[agreement.pk]
    )
    assert agreement.party_list == ["高松市 都市整備局", "株式会社テスト"]
    assert agreement.amount_yen == 1_200_000 and agreement.kind == "poc"
    stored = agreement.files.get()
    assert stored.original_name == "協定書.pdf" and stored.content_type == "application/pdf"
    path = stored.file.path  # private storage, never under MEDIA_ROOT (served only by the checked view)
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT)) and not path.startswith(str(settings.MEDIA_ROOT))
    event = AuditEvent.objects.get(action="tracker.agreement_recorded")
    assert event.data["agreement"] == agreement.pk and event.data["files"] == 1
    assert "tracker.agreement_recorded" in ACTION_LABELS
    readers = set(
        Notification.objects.filter(kind="tracker.agreement_recorded").values_list("recipient", flat=True)
    )
    assert {muni_user.pk, su_user.pk} <= readers


def test_the_startup_sees_the_agreement_and_downloads_the_file_others_get_404(
    client, engagement, muni_user, su_user
):
    agreement = _record(engagement, muni_user, files=[tf.pdf("協定書.pdf")])
    file_url = reverse("tracker:agreement_file", args=[agreement.files.get().pk])
    client.force_login(su_user)
    page = client.get(reverse("tracker:engagement", args=[engagement.pk]))
    assert agreement.title in page.content.decode() and file_url in page.content.decode()
    download = client.get(file_url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    stranger = factories.member(tf.startup(name="別の会社"))
    client.force_login(stranger)
    assert client.get(file_url).status_code == 404
    assert client.get(reverse("agreement:inspect", args=[agreement.pk])).status_code in (302, 404)


def test_a_file_that_is_not_a_document_is_refused_and_nothing_is_saved(client, engagement, muni_user):
    client.force_login(muni_user)
    fake = tf.pdf("協定書.pdf", content=b"MZ\x90\x00 this is a program, not a PDF")
    with translation.override("ja"):
        response = client.post(
            reverse("agreement:add", args=[engagement.pk]),
            _form(files=fake),
            HTTP_ACCEPT_LANGUAGE="ja",
        )
    assert response.status_code == 400
    assert not Agreement.objects.exists() and not AgreementFile.objects.exists()
    assert "除雪車位置情報の実証協定書" in response.content.decode()  # what was typed comes back
    assert response.context["form"].errors["files"]


def test_end_before_start_is_a_form_error_in_the_users_language(client, engagement, muni_user):
    client.force_login(muni_user)
    data = _form(ends_on=(TODAY - dt.timedelta(days=1)).isoformat(), renewal_notice_on="")
    response = client.post(reverse("agreement:add", args=[engagement.pk]), data, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 400 and not Agreement.objects.exists()
    with translation.override("ja"):
        expected = str(translation.gettext("The end cannot come before the start."))
    assert expected != "The end cannot come before the start."
    assert response.context["form"].errors["ends_on"] == [expected]


def test_only_the_municipality_and_ministry_record_agreements(
    client, engagement, su_user, muni_user, ministry
):
    client.force_login(su_user)
    url = reverse("agreement:add", args=[engagement.pk])
    assert client.post(url, _form()).status_code in (302, 403)  # startups have no admin access at all
    with pytest.raises(PermissionDenied):
        _record(engagement, su_user)
    assert not Agreement.objects.exists()
    assert _record(engagement, ministry).pk
    other_town = factories.staff(tf.municipality(code="014877", name="天塩町"))
    client.force_login(other_town)
    assert client.get(url).status_code == 404


def test_an_amendment_moves_the_end_and_the_amount_and_keeps_the_old_ones(
    client, engagement, muni_user, su_user
):
    agreement = _record(engagement, muni_user, ends_in=20)
    client.force_login(muni_user)
    new_end = TODAY + dt.timedelta(days=365)
    response = client.post(
        reverse("agreement:amend", args=[agreement.pk]),
        {
            "amend-signed_on": TODAY.isoformat(),
            "amend-summary": "期間を1年延長し、金額を変更",
            "amend-ends_on": new_end.isoformat(),
            "amend-amount_yen": "900000",
            "amend-files": tf.pdf("覚書.pdf"),
        },
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.ends_on == new_end and agreement.amount_yen == 900_000
    amendment = agreement.amendments.get()
    assert (
        amendment.previous_ends_on == TODAY + dt.timedelta(days=20)
        and amendment.previous_amount_yen == 500_000
    )
    assert amendment.files.get().original_name == "覚書.pdf"
    assert AuditEvent.objects.filter(action="tracker.agreement_amended").count() == 1
    assert "tracker.agreement_amended" in ACTION_LABELS
    page = client.get(reverse("agreement:inspect", args=[agreement.pk])).content.decode()
    assert "期間を1年延長し、金額を変更" in page
    # the startup may look but not amend
    client.force_login(su_user)
    with pytest.raises(PermissionDenied):
        services.agreement_amend(agreement=agreement, actor=su_user, signed_on=TODAY, summary="x")


def test_the_stage_refers_to_its_agreement(client, engagement, muni_user, su_user):
    poc = _record(engagement, muni_user, kind="poc")
    contract = _record(engagement, muni_user, kind="contract")
    for step in ("consult", "plan_poc"):
        services.engagement_transition(engagement=engagement, transition=step, actor=muni_user, reason="合意")
    client.force_login(su_user)
    page = client.get(reverse("tracker:engagement", args=[engagement.pk])).content.decode()
    assert f'id="stage-agreement" href="#agreement-{poc.pk}"' in page
    for step in ("start_poc", "finish_poc", "contract"):
        services.engagement_transition(engagement=engagement, transition=step, actor=muni_user, reason="合意")
    page = client.get(reverse("tracker:engagement", args=[engagement.pk])).content.decode()
    assert f'id="stage-agreement" href="#agreement-{contract.pk}"' in page
    client.force_login(muni_user)
    page = client.get(reverse("engagement:inspect", args=[engagement.pk])).content.decode()
    assert f'href="#agreement-{contract.pk}"' in page
    assert reverse("agreement:inspect", args=[contract.pk]) in page


# --- reminders --------------------------------------------------------------------------------------------------


@pytest.fixture
def readers(engagement, muni_org, su_org):
    return factories.staff(muni_org, preferred_language="ja"), factories.member(
        su_org, preferred_language="en"
    )


def _rows(kind):
    return Notification.objects.filter(kind=kind)


def test_end_reminder_fires_once_at_the_right_date_in_each_readers_language(
    engagement, muni_user, readers, settings
):
    settings.TRACKER_AGREEMENT_REMINDER_DAYS = 30
    agreement = _record(engagement, muni_user, ends_in=100)
    end = agreement.ends_on
    assert services.send_agreement_reminders(today=end - dt.timedelta(days=31)) == []
    sent = services.send_agreement_reminders(today=end - dt.timedelta(days=30))
    assert sent == [(agreement, "tracker.agreement_ending")]
    assert services.send_agreement_reminders(today=end - dt.timedelta(days=29)) == []  # once
    assert services.send_agreement_reminders(today=end) == []
    ja_reader, en_reader = readers
    ja_row = _rows("tracker.agreement_ending").get(recipient=ja_reader)
    en_row = _rows("tracker.agreement_ending").get(recipient=en_reader)
    en_title, en_body = en_row.rendered(en_reader.preferred_language)
    assert en_title == f"“実証協定書” ends on {end.day} {end:%b} {end.year}"
    assert en_body.startswith("30 days left.")
    ja_title, _ = ja_row.rendered(ja_reader.preferred_language)
    assert ja_title != en_title and f"{end.year}年{end.month}月{end.day}日" in ja_title
    assert AuditEvent.objects.filter(action="tracker.agreement_ending_reminder").count() == 1
    assert "tracker.agreement_ending_reminder" in ACTION_LABELS


def test_renewal_reminder_fires_once_and_a_moved_end_re_arms_the_end_reminder(
    engagement, muni_user, settings
):
    settings.TRACKER_AGREEMENT_REMINDER_DAYS = 14
    agreement = _record(engagement, muni_user, ends_in=60, renewal_in=40)
    day = agreement.renewal_notice_on - dt.timedelta(days=14)
    assert services.send_agreement_reminders(today=day) == [(agreement, "tracker.agreement_renewal_due")]
    assert services.send_agreement_reminders(today=day) == []
    assert "tracker.agreement_renewal_due_reminder" in ACTION_LABELS
    end_day = agreement.ends_on - dt.timedelta(days=10)
    assert services.send_agreement_reminders(today=end_day) == [(agreement, "tracker.agreement_ending")]
    services.agreement_amend(
        agreement=agreement,
        actor=muni_user,
        signed_on=end_day,
        summary="延長",
        ends_on=agreement.ends_on + dt.timedelta(days=3),
    )
    assert services.send_agreement_reminders(today=end_day) == [(agreement, "tracker.agreement_ending")]
    assert services.send_agreement_reminders(today=end_day) == []


def test_no_reminder_for_a_date_past_or_an_ended_engagement(engagement, muni_user):
    agreement = _record(engagement, muni_user, ends_in=5)
    assert services.send_agreement_reminders(today=agreement.ends_on + dt.timedelta(days=1)) == []
    services.engagement_transition(engagement=engagement, transition="end", actor=muni_user, reason="終了")
    assert services.send_agreement_reminders(today=agreement.ends_on - dt.timedelta(days=1)) == []
    assert not _rows("tracker.agreement_ending").exists()


def test_the_command_sends_the_reminders_of_the_day(engagement, muni_user, settings):
    settings.TRACKER_AGREEMENT_REMINDER_DAYS = 30
    agreement = _record(engagement, muni_user, ends_in=90)
    call_command(
        "send_agreement_reminders",
        "--today",
        (agreement.ends_on - dt.timedelta(days=30)).isoformat(),
        verbosity=0,
    )
    assert _rows("tracker.agreement_ending").exists()


# --- the list -----------------------------------------------------------------------------------------------------


def test_the_agreement_list_is_scoped_and_uses_a_fixed_number_of_queries(
    client, ministry, muni_org, muni_user
):
    engagements = [tf.engagement(municipality_org=muni_org, actor=ministry) for _ in range(3)]
    counts = []
    for n in (10, 100):
        Agreement.objects.bulk_create(
            Agreement(
                engagement=engagements[i % 3],
                kind="contract",
                title=f"契約{i}",
                parties="高松市",
                signed_on=TODAY,
                starts_on=TODAY,
                ends_on=TODAY,
                amount_yen=i,
            )
            for i in range(n - Agreement.objects.count())
        )
        client.force_login(muni_user)
        client.get(reverse("agreement:index"))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("agreement:index"), {"kind": "contract", "page": 2})
        assert response.status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]
    other = factories.staff(tf.municipality(code="014877", name="天塩町"))
    client.force_login(other)
    assert client.get(reverse("agreement:index")).context["page_obj"].paginator.count == 0


def test_the_agreement_listing_filters_by_kind_and_end(client, engagement, muni_user):
    poc = _record(engagement, muni_user, kind="poc", ends_in=30)
    contract = _record(engagement, muni_user, kind="contract", ends_in=400)
    client.force_login(muni_user)
    url = reverse("agreement:index")

    def listed(**params):
        return {a.pk for a in client.get(url, params).context["object_list"]}

    assert listed() == {poc.pk, contract.pk}
    assert listed(kind="contract") == {contract.pk}
    assert listed(ends_on_before=(TODAY + dt.timedelta(days=100)).isoformat()) == {poc.pk}
    assert listed(kind="contract", ends_on_before=(TODAY + dt.timedelta(days=100)).isoformat()) == set()
    page = client.get(url).content.decode()
    assert reverse("agreement:inspect", args=[poc.pk]) in page
    assert reverse("engagement:inspect", args=[engagement.pk]) in page
    # Wagtail's results-only view (the filters' live update) answers with the same rows
    results = client.get(reverse("agreement:index_results"), {"kind": "poc"})
    assert {a.pk for a in results.context["object_list"]} == {poc.pk}


def test_the_agreement_screen_offers_the_amendment_only_to_those_who_may_record_it(
    client, engagement, muni_user, ministry
):
    agreement = _record(engagement, muni_user)
    amend_url = reverse("agreement:amend", args=[agreement.pk])
    for user in (muni_user, ministry):
        client.force_login(user)
        page = client.get(reverse("agreement:inspect", args=[agreement.pk]))
        assert page.status_code == 200 and f'action="{amend_url}"' in page.content.decode()
    assert client.get(amend_url).status_code == 405  # the amendment is posted, never shown on its own
    response = client.post(amend_url, {"amend-summary": ""})
    assert response.status_code == 400 and response.context["form"].errors["signed_on"]
    assert not agreement.amendments.exists()


def test_recording_an_agreement_is_offered_for_the_engagement_and_posts_to_its_address(
    client, engagement, muni_user
):
    client.force_login(muni_user)
    screen = client.get(reverse("engagement:inspect", args=[engagement.pk])).content.decode()
    url = reverse("agreement:add", args=[engagement.pk])
    assert f'id="record-agreement" href="{url}"' in screen
    page = client.get(url)
    assert page.status_code == 200 and f'action="{url}"' in page.content.decode()
    assert str(engagement) in page.content.decode()
    assert client.get(reverse("agreement:add", args=[engagement.pk + 999])).status_code == 404
